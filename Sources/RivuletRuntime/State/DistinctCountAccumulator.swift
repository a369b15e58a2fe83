import RivuletCore

/// COUNT(DISTINCT x): per slot, each distinct non-NULL value with how many rows carry it, so a
/// retraction removes a value only when its last row goes.
final class DistinctCountAccumulator<Element: Hashable>: Accumulator {
    private let argument: Int
    private let filter: Int?
    private let read: (Column, Int) -> Element
    private var sets: [[Element: Int]] = []

    init(argument: Int, filter: Int?, read: @escaping (Column, Int) -> Element) {
        self.argument = argument
        self.filter = filter
        self.read = read
    }

    var resultType: SQLType { .bigint }

    func grow(to slotCount: Int) {
        if sets.count < slotCount { sets.append(contentsOf: repeatElement([:], count: slotCount - sets.count)) }
    }

    func reset(_ slot: Int) { sets[slot] = [:] }

    func accumulate(_ batch: RowBatch, rows: [Int32], slots: [Int32], signs: [Int8]?) {
        let rowFilter = RowFilter(batch, filter)
        let column = batch.columns[argument]
        for i in rows.indices {
            let row = Int(rows[i])
            if !rowFilter.passes(row) || column.isNull(row) { continue }
            add(read(column, row), Int(signs?[i] ?? 1), to: Int(slots[i]))
        }
    }

    private func add(_ value: Element, _ count: Int, to slot: Int) {
        let updated = sets[slot][value, default: 0] + count
        sets[slot][value] = updated > 0 ? updated : nil
    }

    func merge(from source: Int, into target: Int) {
        for (value, count) in sets[source] { add(value, count, to: target) }
    }

    func appendResult(_ slot: Int, into column: inout Column) { column.appendInt(Int64(sets[slot].count)) }
}
