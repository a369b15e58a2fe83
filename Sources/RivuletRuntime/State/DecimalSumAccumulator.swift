import RivuletCore

/// SUM or AVG over DECIMAL input of any precision: a 128-bit sum of unscaled values and a count
/// of non-NULL inputs per slot. The result is DECIMAL(38, s) (AVG: at least 6 fraction digits,
/// rounded half away from zero); a result beyond 38 digits is NULL, as Flink gives it.
final class DecimalSumAccumulator: Accumulator {
    private let argument: Int
    private let filter: Int?
    private let average: Bool
    private let argumentScale: Int
    let resultType: SQLType
    private var sums: [Int128] = []
    private var counts: [Int64] = []

    init(argument: Int, filter: Int?, average: Bool, argumentScale: Int, resultType: SQLType) {
        self.argument = argument
        self.filter = filter
        self.average = average
        self.argumentScale = argumentScale
        self.resultType = resultType
    }

    func grow(to slotCount: Int) {
        guard sums.count < slotCount else { return }
        sums.append(contentsOf: repeatElement(0, count: slotCount - sums.count))
        counts.append(contentsOf: repeatElement(0, count: slotCount - counts.count))
    }

    func reset(_ slot: Int) {
        sums[slot] = 0
        counts[slot] = 0
    }

    func accumulate(_ batch: RowBatch, rows: [Int32], slots: [Int32], signs: [Int8]?) {
        let rowFilter = RowFilter(batch, filter)
        let column = batch.columns[argument]
        for i in rows.indices {
            let row = Int(rows[i])
            if !rowFilter.passes(row) || column.isNull(row) { continue }
            let slot = Int(slots[i])
            if let signs, signs[i] < 0 {
                sums[slot] &-= column.unscaled(at: row)
                counts[slot] &-= 1
            } else {
                sums[slot] &+= column.unscaled(at: row)
                counts[slot] &+= 1
            }
        }
    }

    func merge(from source: Int, into target: Int) {
        sums[target] &+= sums[source]
        counts[target] &+= counts[source]
    }

    func save(_ slot: Int, into writer: inout StateWriter) {
        writer.write(wide: sums[slot])
        writer.write(counts[slot])
    }

    func load(_ slot: Int, from reader: inout StateReader) throws(SQLError) {
        sums[slot] = try reader.readWide()
        counts[slot] = try reader.readInt64()
    }

    func appendResult(_ slot: Int, into column: inout Column) {
        let count = Int128(counts[slot])
        guard count > 0 else {
            column.appendNull()
            return
        }
        let shift = max(0, resultType.decimalScale - argumentScale)
        var (value, overflow) = sums[slot].multipliedReportingOverflow(by: DecimalFormat.widePowersOfTen[min(shift, DecimalFormat.maxPrecision)])
        if average, !overflow {
            let quotient = value / count, remainder = value % count
            value = remainder.magnitude * 2 >= count.magnitude ? quotient + (value < 0 ? -1 : 1) : quotient
        }
        let limit = DecimalFormat.widePowersOfTen[min(resultType.decimalPrecision, DecimalFormat.maxPrecision)]
        if overflow || value.magnitude >= limit.magnitude {
            column.appendNull()
        } else {
            column.appendUnscaled(value)
        }
    }
}
