import RivuletCore
import RivuletPlanner

/// The accumulators of one aggregating operator, addressed by slot: one slot per group (per
/// key, per window and key, or per session). Freed slots are reused, so state stays as large
/// as the live groups, not as the stream.
final class AggregateSlots {
    let accumulators: [any Accumulator]
    private var capacity = 0
    private var freeSlots: [Int32] = []
    private(set) var liveCount = 0
    private var highWater = 0

    init(_ calls: [AggregateCall], input: Schema, retractable: Bool) throws(SQLError) {
        var accumulators: [any Accumulator] = []
        for call in calls { accumulators.append(try AccumulatorFactory.make(call, input: input, retractable: retractable)) }
        self.accumulators = accumulators
    }

    var resultTypes: [SQLType] { accumulators.map(\.resultType) }

    /// A fresh (reset) slot.
    func allocate() -> Int32 {
        liveCount += 1
        if let slot = freeSlots.popLast() { return slot }
        let slot = highWater
        highWater += 1
        if highWater > capacity {
            capacity = max(64, capacity * 2)
            for accumulator in accumulators { accumulator.grow(to: capacity) }
        }
        return Int32(slot)
    }

    /// Makes sure slots `0..<count` exist (for operators that use dense key ids as slots).
    func reserveDense(_ count: Int) {
        guard count > capacity else { return }
        capacity = max(64, max(count, capacity * 2))
        for accumulator in accumulators { accumulator.grow(to: capacity) }
    }

    func free(_ slot: Int32) {
        for accumulator in accumulators { accumulator.reset(Int(slot)) }
        freeSlots.append(slot)
        liveCount -= 1
    }

    /// Resets a dense slot without putting it on the free list.
    func clear(_ slot: Int32) {
        for accumulator in accumulators { accumulator.reset(Int(slot)) }
    }

    func accumulate(_ batch: RowBatch, rows: [Int32], slots: [Int32], signs: [Int8]? = nil) {
        guard !rows.isEmpty else { return }
        for accumulator in accumulators { accumulator.accumulate(batch, rows: rows, slots: slots, signs: signs) }
    }

    func merge(from source: Int32, into target: Int32) {
        for accumulator in accumulators { accumulator.merge(from: Int(source), into: Int(target)) }
    }

    /// Appends the results of `slots` (one row each, in order) to
    /// `columns[first ..< first + accumulators.count]`.
    func appendResults(_ slots: [Int32], into columns: inout [Column], at first: Int) {
        for (i, accumulator) in accumulators.enumerated() {
            // Taken out of the array while appending, so appends need no uniqueness check of it.
            var column = columns[first + i]
            columns[first + i] = column.emptyCopy()
            accumulator.appendResults(slots, into: &column)
            columns[first + i] = column
        }
    }

    /// Appends the slot's results to `columns[first ..< first + accumulators.count]`.
    func appendResults(_ slot: Int32, into columns: inout [Column], at first: Int) {
        for (i, accumulator) in accumulators.enumerated() {
            accumulator.appendResult(Int(slot), into: &columns[first + i])
        }
    }
}
