import RivuletCore
import RivuletPlanner

/// `ARRAY_AGG` / `COLLECT_LIST` / `COLLECT_SET`: per slot the values in arrival order, NULLs
/// among them unless `respectNulls` is off (`TOPK`, `HISTOGRAM`)
/// (each value once when `distinct`, kept with its count so a retraction removes it only when
/// its last copy goes). A retracted value removes its earliest copy. No values: NULL. With a
/// MAP result type it is `HISTOGRAM`: each distinct value mapped to its count. With
/// `orderedBy` (`ARRAY_AGG(x ORDER BY k)`) the values are rows of the sort keys and the value,
/// and the result their last fields, sorted by the keys (a stable sort: ties in arrival order).
/// With `greatest` it is `TOPK` (`TOPKDISTINCT` when `distinct`): the greatest that many values,
/// greatest first. With `limit`, a value arriving when that many are kept is not kept. With
/// `multiset` it is Flink's `COLLECT`: the MAP of counts, empty rather than NULL.
final class CollectAccumulator: Accumulator {
    /// How `COLLECT` counts each distinct value: as often as it came, or once (`COLLECT(DISTINCT x)`).
    enum MultisetCounts { case counted, eachOnce }

    let resultType: SQLType
    /// The type of the values kept: the argument's.
    private let elementType: SQLType
    private let orderedBy: [AggregateCall.SortKey]
    private let argument: Int
    private let filter: Int?
    private let distinct: Bool
    private let respectNulls: Bool
    private let greatest: Int?
    private let limit: Int?
    private let multiset: MultisetCounts?
    private var values: [[Value]] = []
    /// Copies of each value in `values` (all 1 unless `distinct`).
    private var counts: [[Int]] = []

    init(
        argument: Int, filter: Int?, distinct: Bool, respectNulls: Bool, resultType: SQLType,
        orderedBy: [AggregateCall.SortKey] = [], argumentType: SQLType, greatest: Int? = nil, limit: Int? = nil,
        multiset: MultisetCounts? = nil
    ) {
        self.multiset = multiset
        self.greatest = greatest
        self.limit = limit
        self.argument = argument
        self.filter = filter
        self.distinct = distinct
        self.respectNulls = respectNulls
        self.resultType = resultType
        self.orderedBy = orderedBy
        elementType = argumentType
    }

    func grow(to slotCount: Int) {
        if values.count < slotCount {
            values.append(contentsOf: repeatElement([], count: slotCount - values.count))
            counts.append(contentsOf: repeatElement([], count: slotCount - counts.count))
        }
    }

    func reset(_ slot: Int) {
        values[slot] = []
        counts[slot] = []
    }

    func accumulate(_ batch: RowBatch, rows: [Int32], slots: [Int32], signs: [Int8]?) {
        let column = batch.columns[argument]
        for (i, row) in rows.enumerated() {
            let row = Int(row)
            if let filter, !batch.columns[filter].isTrue(row) { continue }
            if !respectNulls, column.isNull(row) { continue }
            add(column.value(at: row, type: elementType), to: Int(slots[i]), count: Int(signs?[i] ?? 1))
        }
    }

    private func add(_ value: Value, to slot: Int, count: Int) {
        if let index = values[slot].firstIndex(of: value), distinct || count < 0 {
            counts[slot][index] += count
            if counts[slot][index] <= 0 {
                values[slot].remove(at: index)
                counts[slot].remove(at: index)
            }
        } else if count > 0 {
            for _ in 0..<(distinct ? 1 : count) where values[slot].count < limit ?? .max {
                values[slot].append(value)
                counts[slot].append(distinct ? count : 1)
            }
        }
    }

    func merge(from source: Int, into target: Int) {
        for (value, count) in zip(values[source], counts[source]) { add(value, to: target, count: count) }
    }

    func appendResult(_ slot: Int, into column: inout Column) {
        if let multiset {
            let counts = counts[slot].map { Value.int(multiset == .eachOnce ? 1 : Int64($0)) }
            column.append(.map(keys: values[slot], values: counts))
        } else if values[slot].isEmpty {
            column.appendNull()
        } else if case .map = resultType {
            column.append(.map(keys: values[slot], values: counts[slot].map { .int(Int64($0)) }))
        } else if let greatest {
            var top: [Value] = []
            for (value, count) in zip(values[slot], counts[slot]) { top += repeatElement(value, count: distinct ? 1 : count) }
            top.sort { ValueOrder.compare($0, $1) > 0 }
            column.append(.array(Array(top.prefix(greatest))))
        } else if orderedBy.isEmpty {
            column.append(.array(values[slot]))
        } else {
            column.append(.array(sortedByKeys(values[slot])))
        }
    }

    /// The last field of each `ROW(k1, ..., x)`, in the order of the keys.
    private func sortedByKeys(_ rows: [Value]) -> [Value] {
        let fields = rows.map { row -> [Value] in
            if case .row(let fields) = row { return fields }
            return [row]
        }
        let order = fields.indices.sorted { a, b in
            for (index, key) in orderedBy.enumerated() {
                let x = fields[a][index], y = fields[b][index]
                if x == y { continue }
                if x == .null || y == .null { return (x == .null) == key.nullsFirst }
                let comparison = ValueOrder.compare(x, y)
                if comparison != 0 { return key.ascending ? comparison < 0 : comparison > 0 }
            }
            return a < b
        }
        return order.map { fields[$0].last ?? .null }
    }

    func save(_ slot: Int, into writer: inout StateWriter) {
        writer.write(row: values[slot])
        writer.write(counts[slot].count)
        for count in counts[slot] { writer.write(count) }
    }

    func load(_ slot: Int, from reader: inout StateReader) throws(SQLError) {
        values[slot] = try reader.readRow(limit: StateReader.nestedLimit)
        let n = try reader.readCount(limit: 1 << 20)
        guard n == values[slot].count else { throw StateReader.corrupt("a collected list of \(values[slot].count) values and \(n) counts") }
        counts[slot] = []
        for _ in 0..<n { counts[slot].append(try reader.readCount(limit: Int.max)) }
    }
}
