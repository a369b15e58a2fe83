import RivuletCore

/// `LATEST_BY_OFFSET` / `EARLIEST_BY_OFFSET`: per slot the last (or first) value to arrive,
/// NULLs skipped unless `ignoreNulls` is false. Arrival is numbered, so merging two slots (session windows) keeps the later (earlier)
/// of their values. Append-only: the factory refuses it over a changelog.
final class ArrivalOrderAccumulator: Accumulator {
    let resultType: SQLType
    private let argument: Int
    private let filter: Int?
    private let latest: Bool
    private let ignoreNulls: Bool
    private var values: [Value] = []
    /// The arrival number of each slot's value; 0: none yet.
    private var arrivals: [Int64] = []
    private var nextArrival: Int64 = 1

    init(argument: Int, filter: Int?, latest: Bool, ignoreNulls: Bool, resultType: SQLType) {
        self.argument = argument
        self.filter = filter
        self.latest = latest
        self.ignoreNulls = ignoreNulls
        self.resultType = resultType
    }

    func grow(to slotCount: Int) {
        if values.count < slotCount {
            values.append(contentsOf: repeatElement(.null, count: slotCount - values.count))
            arrivals.append(contentsOf: repeatElement(0, count: slotCount - arrivals.count))
        }
    }

    func reset(_ slot: Int) {
        values[slot] = .null
        arrivals[slot] = 0
    }

    func accumulate(_ batch: RowBatch, rows: [Int32], slots: [Int32], signs: [Int8]?) {
        let column = batch.columns[argument]
        for (i, row) in rows.enumerated() {
            let row = Int(row)
            if let filter, !batch.columns[filter].isTrue(row) { continue }
            if ignoreNulls, column.isNull(row) { continue }
            let slot = Int(slots[i])
            if !latest, arrivals[slot] != 0 { continue }
            values[slot] = column.value(at: row, type: resultType)
            arrivals[slot] = nextArrival
            nextArrival += 1
        }
    }

    func merge(from source: Int, into target: Int) {
        guard arrivals[source] != 0 else { return }
        if arrivals[target] == 0 || (latest ? arrivals[source] > arrivals[target] : arrivals[source] < arrivals[target]) {
            values[target] = values[source]
            arrivals[target] = arrivals[source]
        }
    }

    func appendResult(_ slot: Int, into column: inout Column) {
        column.append(values[slot])
    }

    func save(_ slot: Int, into writer: inout StateWriter) {
        writer.write(arrivals[slot])
        writer.write(values[slot])
    }

    func load(_ slot: Int, from reader: inout StateReader) throws(SQLError) {
        arrivals[slot] = try reader.readInt64()
        values[slot] = try reader.readValue()
        nextArrival = max(nextArrival, arrivals[slot] + 1)
    }
}
