import Foundation
import RivuletCore
import RivuletPlanner
import RivuletRuntime
import Testing

/// Deduplication and Top-N over 2,000 keys with a memory budget of 50: the keys least recently
/// seen go to a spill file and come back when a row touches them, the output is the in-memory
/// output row for row, and no more than the budget's keys stay in memory after a batch — also
/// across a checkpoint.
@Suite struct KeyedStateSpillTests {
    static let fields = [Field("k", .varchar), Field("v", .bigint), Field("ts", .bigint)]
    static let budget = 50

    /// 6,000 rows over 2,000 keys, their times out of order.
    static let rows: [[Value]] = {
        var state: UInt64 = 7
        func next(_ bound: UInt64) -> Int64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int64((state >> 33) % bound)
        }
        return (0..<6_000).map { i in [.string("key-\(next(2_000))"), .int(next(1_000)), .int(Int64(i) * 10 + next(50))] }
    }()

    static func batches(_ range: Range<Int>, size: Int = 64) -> [RowBatch] {
        stride(from: range.lowerBound, to: range.upperBound, by: size).map { start in
            var batch = RowBatch(types: fields.map(\.type))
            for row in rows[start..<min(range.upperBound, start + size)] { batch.appendRow(row) }
            return batch
        }
    }

    static func options() -> StateOptions {
        StateOptions(memoryBudget: budget, spillDirectory: FileManager.default.temporaryDirectory.appendingPathComponent("rivulet-spill-tests").path)
    }

    /// Keep-last deduplication by `ts`, and the top 3 values per key.
    static let deduplication = StreamPlan.TopN(
        input: namedScan("ev", fields, timeColumn: 2), partitionKeys: [0], sortKeys: [.init(column: 2, ascending: false)],
        limit: 1, emitsRank: false)
    static let topThree = StreamPlan.TopN(
        input: namedScan("ev", fields, timeColumn: nil), partitionKeys: [0], sortKeys: [.init(column: 1, ascending: false)],
        limit: 3, emitsRank: true)

    /// Feeds batches; returns the output lines and the most keys held in memory after any batch.
    static func feed(_ op: any StreamOperator, _ batches: [RowBatch], types: [SQLType], resident: () -> Int) throws -> (lines: [String], peak: Int) {
        var lines: [String] = []
        var peak = 0
        for batch in batches {
            var out = Collector()
            try op.process(batch, port: 0, into: &out)
            for b in out.drain() { lines += render(b, types: types) }
            peak = max(peak, resident())
        }
        return (lines, peak)
    }

    @Test func aDeduplicationUnderATinyBudgetGivesTheInMemoryOutput() throws {
        let types = Self.deduplication.schema.types
        let whole = Self.batches(0..<Self.rows.count)
        let inMemory = try Deduplicate(Self.deduplication)
        let expected = try Self.feed(inMemory, whole, types: types) { inMemory.residentKeys }
        #expect(expected.peak > 1_000)

        let budgeted = try Deduplicate(Self.deduplication, options: Self.options())
        let spilled = try Self.feed(budgeted, whole, types: types) { budgeted.residentKeys }
        #expect(spilled.lines == expected.lines)
        #expect(spilled.peak <= Self.budget, "keys in memory: \(spilled.peak)")
        #expect(budgeted.stateSize == inMemory.stateSize)
    }

    @Test func aTopNUnderATinyBudgetGivesTheInMemoryOutput() throws {
        let types = Self.topThree.schema.types
        let whole = Self.batches(0..<Self.rows.count)
        let inMemory = try TopN(Self.topThree)
        let expected = try Self.feed(inMemory, whole, types: types) { inMemory.residentPartitions }
        #expect(expected.peak > 1_000)

        let budgeted = try TopN(Self.topThree, options: Self.options())
        let spilled = try Self.feed(budgeted, whole, types: types) { budgeted.residentPartitions }
        #expect(spilled.lines == expected.lines)
        #expect(spilled.peak <= Self.budget, "partitions in memory: \(spilled.peak)")
        #expect(budgeted.stateSize == inMemory.stateSize)
    }

    @Test func spilledKeysSurviveACheckpoint() throws {
        let cut = 3_000
        for (make, types) in [
            ({ (options: StateOptions) throws -> any StreamOperator in try Deduplicate(Self.deduplication, options: options) },
             Self.deduplication.schema.types),
            ({ (options: StateOptions) throws -> any StreamOperator in try TopN(Self.topThree, options: options) }, Self.topThree.schema.types),
        ] {
            let expected = try Self.feed(try make(StateOptions()), Self.batches(0..<Self.rows.count), types: types) { 0 }.lines
            let before = try make(Self.options())
            let first = try Self.feed(before, Self.batches(0..<cut), types: types) { 0 }.lines
            var writer = StateWriter()
            try before.snapshot(into: &writer)

            // Restored without a budget, the checkpoint holds every key: spilled ones too.
            let unbounded = try make(StateOptions())
            var reader = StateReader(writer.bytes)
            try unbounded.restore(from: &reader)
            #expect(try reader.isAtEnd())
            #expect(unbounded.stateSize == before.stateSize)

            let after = try make(Self.options())
            reader = StateReader(writer.bytes)
            try after.restore(from: &reader)
            #expect(after.stateSize == before.stateSize)
            let second = try Self.feed(after, Self.batches(cut..<Self.rows.count), types: types) { 0 }
            #expect(first + second.lines == expected)
        }
    }
}
