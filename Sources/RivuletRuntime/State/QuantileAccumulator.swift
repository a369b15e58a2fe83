import RivuletCore

/// An approximate quantile (`APPROX_PERCENTILE(x, q)`) per slot, from a `QuantileSketch`
/// (exact for groups with at most 256 distinct values; see the sketch for the error bound).
/// The result is converted to `resultType`: DOUBLE as is, integer kinds rounded.
final class QuantileAccumulator: Accumulator {
    private let argument: Int
    private let filter: Int?
    private let quantile: Double
    private let argumentScale: Double
    private let isDoubleInput: Bool
    let resultType: SQLType
    private var sketches: [QuantileSketch] = []

    init(argument: Int, filter: Int?, quantile: Double, argumentType: SQLType, resultType: SQLType) {
        self.argument = argument
        self.filter = filter
        self.quantile = quantile
        self.isDoubleInput = argumentType.physical == .double
        self.argumentScale = Double(DecimalFormat.widePowersOfTen[min(argumentType.decimalScale, DecimalFormat.maxPrecision)])
        self.resultType = resultType
    }

    func grow(to slotCount: Int) {
        if sketches.count < slotCount { sketches.append(contentsOf: repeatElement(QuantileSketch(), count: slotCount - sketches.count)) }
    }

    func reset(_ slot: Int) { sketches[slot] = QuantileSketch() }

    func accumulate(_ batch: RowBatch, rows: [Int32], slots: [Int32], signs: [Int8]?) {
        let rowFilter = RowFilter(batch, filter)
        let column = batch.columns[argument]
        for i in rows.indices {
            let row = Int(rows[i])
            if !rowFilter.passes(row) || column.isNull(row) { continue }
            let value = isDoubleInput ? column.doubles[row] : Double(column.kind == .int128 ? column.wides[row] : Int128(column.ints[row])) / argumentScale
            sketches[Int(slots[i])].add(value, weight: Int(signs?[i] ?? 1))
        }
    }

    func merge(from source: Int, into target: Int) { sketches[target].formUnion(sketches[source]) }

    func save(_ slot: Int, into writer: inout StateWriter) { sketches[slot].save(into: &writer) }

    func load(_ slot: Int, from reader: inout StateReader) throws(SQLError) {
        sketches[slot] = try QuantileSketch(from: &reader)
    }

    func appendResult(_ slot: Int, into column: inout Column) {
        guard let value = sketches[slot].quantile(quantile) else {
            column.appendNull()
            return
        }
        switch resultType.physical {
        case .double: column.appendDouble(value)
        case .int64, .bool:
            let scaled = (value * Double(DecimalFormat.powersOfTen[min(resultType.decimalScale, 18)])).rounded()
            column.appendInt(Int64(exactly: scaled) ?? (scaled < 0 ? .min : .max))
        case .int128:
            let scaled = (value * Double(DecimalFormat.widePowersOfTen[min(resultType.decimalScale, DecimalFormat.maxPrecision)])).rounded()
            if let exact = Int128(exactly: scaled) { column.appendUnscaled(exact) } else { column.appendNull() }
        case .bytes, .list, .struct: column.appendNull()
        }
    }
}
