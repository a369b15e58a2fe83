import RivuletCore

/// MIN or MAX over a changelog: every value with its count per slot, so retracting the current
/// extreme falls back to the next one.
final class RetractableExtremeAccumulator<Element: Comparable & StateCodable>: Accumulator {
    private let argument: Int
    private let filter: Int?
    private let isMax: Bool
    let resultType: SQLType
    private let read: (Column, Int) -> Element
    private let write: (Element, inout Column) -> Void
    private var sets: [CountedMultiset<Element>] = []

    init(
        argument: Int, filter: Int?, isMax: Bool, resultType: SQLType,
        read: @escaping (Column, Int) -> Element, write: @escaping (Element, inout Column) -> Void
    ) {
        self.argument = argument
        self.filter = filter
        self.isMax = isMax
        self.resultType = resultType
        self.read = read
        self.write = write
    }

    func grow(to slotCount: Int) {
        if sets.count < slotCount { sets.append(contentsOf: repeatElement(CountedMultiset(), count: slotCount - sets.count)) }
    }

    func reset(_ slot: Int) { sets[slot] = CountedMultiset() }

    func accumulate(_ batch: RowBatch, rows: [Int32], slots: [Int32], signs: [Int8]?) {
        let rowFilter = RowFilter(batch, filter)
        let column = batch.columns[argument]
        for i in rows.indices {
            let row = Int(rows[i])
            if !rowFilter.passes(row) || column.isNull(row) { continue }
            sets[Int(slots[i])].add(read(column, row), count: Int(signs?[i] ?? 1))
        }
    }

    func merge(from source: Int, into target: Int) { sets[target].formUnion(sets[source]) }

    func save(_ slot: Int, into writer: inout StateWriter) {
        let set = sets[slot]
        writer.write(set.values.count)
        for (value, count) in zip(set.values, set.counts) {
            value.write(into: &writer)
            writer.write(count)
        }
    }

    func load(_ slot: Int, from reader: inout StateReader) throws(SQLError) {
        var set = CountedMultiset<Element>()
        for _ in 0..<(try reader.readCount()) {
            let value = try Element.read(from: &reader)
            set.add(value, count: try reader.readInt())
        }
        sets[slot] = set
    }

    func appendResult(_ slot: Int, into column: inout Column) {
        if let value = isMax ? sets[slot].last : sets[slot].first { write(value, &column) } else { column.appendNull() }
    }
}
