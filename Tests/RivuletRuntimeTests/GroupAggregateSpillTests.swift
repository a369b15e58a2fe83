import Foundation
import RivuletCore
import RivuletPlanner
import RivuletRuntime
import Testing

/// A GROUP BY over many keys with a tiny memory budget: cold keys go to a spill file and come
/// back when touched, the output is the uninterrupted in-memory output row for row, and no more
/// than the budget's keys stay in memory after a batch — also across a checkpoint.
@Suite struct GroupAggregateSpillTests {
    static let fields = [Field("k", .varchar), Field("v", .bigint)]
    static let aggregates = [
        countStar,
        AggregateCall(kind: .sum, argument: columnRef(1, .bigint), type: .bigint),
        AggregateCall(kind: .min, argument: columnRef(1, .bigint), type: .bigint),
        AggregateCall(kind: .max, argument: columnRef(1, .bigint), type: .bigint),
        AggregateCall(kind: .count, argument: columnRef(1, .bigint), distinct: true, type: .bigint),
    ]

    /// 6,000 changes over 2,000 keys, retractions of earlier inserts among them.
    static let changes: [(RowKind, [Value])] = {
        var state: UInt64 = 99
        func next(_ bound: UInt64) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % bound)
        }
        var inserted: [[Value]] = []
        var changes: [(RowKind, [Value])] = []
        for _ in 0..<6_000 {
            if !inserted.isEmpty, next(5) == 0 {
                changes.append((.delete, inserted.remove(at: next(UInt64(inserted.count)))))
            } else {
                let row: [Value] = [.string("key-\(next(2_000))"), .int(Int64(next(50)))]
                inserted.append(row)
                changes.append((.insert, row))
            }
        }
        return changes
    }()

    static var plan: StreamPlan.GroupAggregate {
        let schema = Schema([fields[0]] + aggregates.enumerated().map { Field("a\($0.offset)", $0.element.type) })
        return StreamPlan.GroupAggregate(
            input: scanPlan(fields, timeColumn: nil, changelog: true), keys: [0], aggregates: aggregates, schema: schema)
    }

    static func batches(_ range: Range<Int>, size: Int = 64) -> [RowBatch] {
        stride(from: range.lowerBound, to: range.upperBound, by: size).map { start in
            var batch = RowBatch(types: fields.map(\.type))
            for (kind, row) in changes[start..<min(range.upperBound, start + size)] { batch.appendRow(row, kind: kind) }
            return batch
        }
    }

    /// Feeds batches; returns the output lines and the most keys held in memory after any batch.
    static func feed(_ op: GroupAggregate, _ batches: [RowBatch]) throws -> (lines: [String], peak: Int) {
        var lines: [String] = []
        var peak = 0
        for batch in batches {
            var out = Collector()
            try op.process(batch, port: 0, into: &out)
            for b in out.drain() { lines += render(b, types: plan.schema.types) }
            peak = max(peak, op.residentKeys)
        }
        return (lines, peak)
    }

    static func options() -> StateOptions {
        StateOptions(memoryBudget: 50, spillDirectory: FileManager.default.temporaryDirectory.appendingPathComponent("rivulet-spill-tests").path)
    }

    @Test func aTinyBudgetGivesTheInMemoryOutput() throws {
        let whole = Self.batches(0..<Self.changes.count)
        let inMemory = try GroupAggregate(Self.plan)
        let expected = try Self.feed(inMemory, whole)
        #expect(expected.peak > 1_000)

        let budgeted = try GroupAggregate(Self.plan, options: Self.options())
        let spilled = try Self.feed(budgeted, whole)
        #expect(spilled.lines == expected.lines)
        #expect(spilled.peak <= 50, "keys in memory: \(spilled.peak)")
        #expect(budgeted.stateSize == inMemory.stateSize)
        #expect(budgeted.residentKeys < budgeted.stateSize)
    }

    @Test func spilledKeysSurviveACheckpoint() throws {
        let cut = 3_000
        let expected = try Self.feed(try GroupAggregate(Self.plan), Self.batches(0..<Self.changes.count)).lines
        let before = try GroupAggregate(Self.plan, options: Self.options())
        let first = try Self.feed(before, Self.batches(0..<cut)).lines
        var writer = StateWriter()
        try before.snapshot(into: &writer)

        let after = try GroupAggregate(Self.plan, options: Self.options())
        var reader = StateReader(writer.bytes)
        try after.restore(from: &reader)
        #expect(try reader.isAtEnd())
        #expect(after.stateSize == before.stateSize)
        let second = try Self.feed(after, Self.batches(cut..<Self.changes.count))
        #expect(first + second.lines == expected)
        #expect(second.peak <= 50)
    }
}
