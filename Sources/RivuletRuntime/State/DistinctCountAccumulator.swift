import RivuletCore

/// COUNT(DISTINCT x): per slot, each distinct non-NULL value with how many rows carry it, so a
/// retraction removes a value only when its last row goes.
final class DistinctCountAccumulator<Element: Hashable & StateCodable>: Accumulator {
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

    // Called through `any Accumulator`, the generic code would look up the dictionary's type at
    // every call; integer arguments (ids, the usual DISTINCT) get code of their own.
    @_specialize(where Element == Int64)
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
        // Changed in place: one lookup for an added row, a second only when a value's last row goes.
        sets[slot][value, default: 0] += count
        if count < 0, sets[slot][value]! <= 0 { sets[slot].removeValue(forKey: value) }
    }

    func merge(from source: Int, into target: Int) {
        for (value, count) in sets[source] { add(value, count, to: target) }
    }

    func save(_ slot: Int, into writer: inout StateWriter) {
        writer.write(sets[slot].count)
        for (value, count) in sets[slot] {
            value.write(into: &writer)
            writer.write(count)
        }
    }

    func load(_ slot: Int, from reader: inout StateReader) throws(SQLError) {
        let entries = try reader.readCount()
        var set: [Element: Int] = [:]
        set.reserveCapacity(entries)
        for _ in 0..<entries {
            let value = try Element.read(from: &reader)
            set[value] = try reader.readInt()
        }
        sets[slot] = set
    }

    @_specialize(where Element == Int64)
    func appendResult(_ slot: Int, into column: inout Column) { column.appendInt(Int64(sets[slot].count)) }
}
