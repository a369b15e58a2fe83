import Foundation
import RivuletCore
import RivuletPlanner
import RivuletRuntime
import Testing

/// A regular join over 1,500 keys with a memory budget of 40 keys per input: keys least recently
/// used go to a spill file and come back when a row probes or changes them, the changelog is the
/// in-memory one row for row (retractions, NULL-padded outer rows and their match counts
/// included), and no more than the budget's keys stay in memory after a batch — also across a
/// checkpoint.
@Suite struct JoinSpillTests {
    static let clicks = [Field("uid", .bigint), Field("page", .varchar)]
    static let users = [Field("uid", .bigint), Field("name", .varchar)]
    static let budget = 40

    static func plan(_ kind: StreamPlan.Join.Kind) -> StreamPlan.Join {
        .init(
            left: namedScan("clicks", clicks, timeColumn: nil), right: namedScan("users", users, timeColumn: nil),
            kind: kind, strategy: .regular, leftKeys: [0], rightKeys: [0], residual: nil)
    }

    /// 80 batches of 40 changes, alternating between the inputs; a fifth of the clicks take back
    /// an earlier one.
    static let batches: [(port: Int, batch: RowBatch)] = {
        var state: UInt64 = 5
        func next(_ bound: UInt64) -> Int64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int64((state >> 33) % bound)
        }
        var clicked: [[Value]] = []
        return (0..<80).map { index in
            let port = index % 2
            var batch = RowBatch(types: [.bigint, .varchar])
            for _ in 0..<40 {
                if port == 0, !clicked.isEmpty, next(5) == 0 {
                    batch.appendRow(clicked.remove(at: Int(next(UInt64(clicked.count)))), kind: .delete)
                    continue
                }
                let row: [Value] = [.int(next(1_500)), .string(port == 0 ? "page-\(next(4))" : "user-\(next(1_000))")]
                if port == 0 { clicked.append(row) }
                batch.appendRow(row)
            }
            return (port, batch)
        }
    }()

    static func options() -> StateOptions {
        StateOptions(memoryBudget: budget, spillDirectory: FileManager.default.temporaryDirectory.appendingPathComponent("rivulet-spill-tests").path)
    }

    /// Feeds batches; returns the output lines and the most keys held in memory after any batch.
    static func feed(_ join: RegularJoin, _ batches: ArraySlice<(port: Int, batch: RowBatch)>) throws -> (lines: [String], peak: Int) {
        var lines: [String] = []
        var peak = 0
        for (port, batch) in batches {
            var out = Collector()
            try join.process(batch, port: port, into: &out)
            for b in out.drain() { lines += render(b, types: [.bigint, .varchar, .bigint, .varchar]) }
            peak = max(peak, join.residentKeys)
        }
        return (lines, peak)
    }

    @Test(arguments: [StreamPlan.Join.Kind.inner, .left, .full])
    func aTinyBudgetGivesTheInMemoryChangelog(_ kind: StreamPlan.Join.Kind) throws {
        let inMemory = try RegularJoin(Self.plan(kind))
        let expected = try Self.feed(inMemory, Self.batches[...])
        #expect(expected.peak > 1_000)
        #expect(expected.lines.contains { $0.hasPrefix("-D") })

        let budgeted = try RegularJoin(Self.plan(kind), options: Self.options())
        let spilled = try Self.feed(budgeted, Self.batches[...])
        #expect(spilled.lines == expected.lines)
        #expect(spilled.peak <= 2 * Self.budget, "keys in memory: \(spilled.peak)")
        #expect(budgeted.stateSize == inMemory.stateSize)
    }

    @Test func spilledKeysSurviveACheckpoint() throws {
        let cut = 40
        let expected = try Self.feed(try RegularJoin(Self.plan(.left)), Self.batches[...]).lines
        let before = try RegularJoin(Self.plan(.left), options: Self.options())
        let first = try Self.feed(before, Self.batches[..<cut]).lines
        var writer = StateWriter()
        try before.snapshot(into: &writer)

        // The checkpoint holds every key, the spilled ones too: restored without a budget, all are back.
        let unbounded = try RegularJoin(Self.plan(.left))
        var reader = StateReader(writer.bytes)
        try unbounded.restore(from: &reader)
        #expect(try reader.isAtEnd())
        #expect(unbounded.stateSize == before.stateSize)

        let after = try RegularJoin(Self.plan(.left), options: Self.options())
        reader = StateReader(writer.bytes)
        try after.restore(from: &reader)
        #expect(after.residentKeys <= 2 * Self.budget)
        let second = try Self.feed(after, Self.batches[cut...])
        #expect(first + second.lines == expected)
        #expect(second.peak <= 2 * Self.budget)
    }
}
