import RivuletCore

/// ksqlDB's `LATEST_BY_OFFSET(x, n)` / `EARLIEST_BY_OFFSET(x, n)`: per slot an ARRAY of the last
/// (first) `count` values to arrive, in arrival order, NULLs skipped unless `ignoreNulls` is
/// false; an empty ARRAY before any value is kept. Each value carries its arrival number, so
/// merging two slots (session windows) interleaves them as they arrived. Append-only, like
/// ``ArrivalOrderAccumulator``.
final class ArrivalOrderListAccumulator: Accumulator {
    let resultType: SQLType
    private let argument: Int
    private let filter: Int?
    private let latest: Bool
    private let ignoreNulls: Bool
    private let count: Int
    private let elementType: SQLType
    /// Per slot, the kept values and their arrival numbers, oldest first.
    private var values: [[Value]] = []
    private var arrivals: [[Int64]] = []
    private var nextArrival: Int64 = 1

    init(argument: Int, filter: Int?, latest: Bool, ignoreNulls: Bool, count: Int, elementType: SQLType, resultType: SQLType) {
        self.argument = argument
        self.filter = filter
        self.latest = latest
        self.ignoreNulls = ignoreNulls
        self.count = count
        self.elementType = elementType
        self.resultType = resultType
    }

    func grow(to slotCount: Int) {
        if values.count < slotCount {
            values.append(contentsOf: repeatElement([], count: slotCount - values.count))
            arrivals.append(contentsOf: repeatElement([], count: slotCount - arrivals.count))
        }
    }

    func reset(_ slot: Int) {
        values[slot] = []
        arrivals[slot] = []
    }

    func accumulate(_ batch: RowBatch, rows: [Int32], slots: [Int32], signs: [Int8]?) {
        let column = batch.columns[argument]
        for (i, row) in rows.enumerated() {
            let row = Int(row)
            if let filter, !batch.columns[filter].isTrue(row) { continue }
            if ignoreNulls, column.isNull(row) { continue }
            let slot = Int(slots[i])
            if !latest, values[slot].count == count { continue }
            values[slot].append(column.value(at: row, type: elementType))
            arrivals[slot].append(nextArrival)
            nextArrival += 1
            if values[slot].count > count {
                values[slot].removeFirst()
                arrivals[slot].removeFirst()
            }
        }
    }

    func merge(from source: Int, into target: Int) {
        guard !arrivals[source].isEmpty else { return }
        var merged = zip(arrivals[target], values[target]).map { ($0, $1) } + zip(arrivals[source], values[source]).map { ($0, $1) }
        merged.sort { $0.0 < $1.0 }
        let kept = latest ? merged.suffix(count) : merged.prefix(count)
        arrivals[target] = kept.map(\.0)
        values[target] = kept.map(\.1)
    }

    func appendResult(_ slot: Int, into column: inout Column) {
        column.append(.array(values[slot]))
    }

    func save(_ slot: Int, into writer: inout StateWriter) {
        writer.write(Int64(values[slot].count))
        for (arrival, value) in zip(arrivals[slot], values[slot]) {
            writer.write(arrival)
            writer.write(value)
        }
    }

    func load(_ slot: Int, from reader: inout StateReader) throws(SQLError) {
        let kept = try reader.readInt64()
        guard kept >= 0, kept <= count else { throw SQLError.internal("a saved \(resultType) holds \(kept) values") }
        values[slot] = []
        arrivals[slot] = []
        for _ in 0..<kept {
            let arrival = try reader.readInt64()
            arrivals[slot].append(arrival)
            values[slot].append(try reader.readValue())
            nextArrival = max(nextArrival, arrival + 1)
        }
    }
}
