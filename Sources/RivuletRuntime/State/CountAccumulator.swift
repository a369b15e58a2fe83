import RivuletCore

/// COUNT(*) (no argument) or COUNT(x): the rows, or the non-NULL values, that pass the FILTER.
final class CountAccumulator: Accumulator {
    private let argument: Int?
    private let filter: Int?
    private var counts: [Int64] = []

    init(argument: Int?, filter: Int?) {
        self.argument = argument
        self.filter = filter
    }

    var resultType: SQLType { .bigint }

    func grow(to slotCount: Int) {
        if counts.count < slotCount { counts.append(contentsOf: repeatElement(0, count: slotCount - counts.count)) }
    }

    func reset(_ slot: Int) { counts[slot] = 0 }

    func accumulate(_ batch: RowBatch, rows: [Int32], slots: [Int32], signs: [Int8]?) {
        let rowFilter = RowFilter(batch, filter)
        let argColumn = argument.map { batch.columns[$0] }
        let skipsNulls = argColumn?.validity != nil
        // One exclusive access to the counts for the whole loop, not one per row.
        counts.withUnsafeMutableBufferPointer { counts in
            for i in rows.indices {
                let row = Int(rows[i])
                if !rowFilter.passes(row) { continue }
                if skipsNulls, argColumn!.isNull(row) { continue }
                counts[Int(slots[i])] &+= Int64(signs?[i] ?? 1)
            }
        }
    }

    func merge(from source: Int, into target: Int) { counts[target] &+= counts[source] }

    func save(_ slot: Int, into writer: inout StateWriter) { writer.write(counts[slot]) }

    func load(_ slot: Int, from reader: inout StateReader) throws(SQLError) { counts[slot] = try reader.readInt64() }

    func appendResult(_ slot: Int, into column: inout Column) { column.appendInt(counts[slot]) }

    func appendResults(_ slots: [Int32], into column: inout Column) {
        column.ints.reserveCapacity(column.ints.count + slots.count)
        for slot in slots { column.appendInt(counts[Int(slot)]) }
    }
}
