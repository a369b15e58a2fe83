import RivuletCore
import RivuletPlanner
import RivuletRuntime
import RivuletSQL
import Testing

/// Windows over a `PROCTIME()` column (Nexmark q12's shape): a row falls into the window of the
/// moment it is processed, whatever its event time, and a window closes when the clock passes
/// its end, also while no row arrives. The clock here is the test's.
@Suite struct ProcessingTimeWindowTests {
    /// Nexmark q12 over `clicks` (user_id, amount, ts with a watermark): its view adds the
    /// processing-time column.
    static let views = ["b": "SELECT *, PROCTIME() AS p_time FROM clicks"]
    static let q12 = """
        SELECT user_id, COUNT(*) AS bid_count, window_start AS starttime, window_end AS endtime
          FROM TABLE(TUMBLE(TABLE b, DESCRIPTOR(p_time), INTERVAL '10' SECOND))
          GROUP BY user_id, window_start, window_end
        """

    final class ManualClock: @unchecked Sendable {
        var now: Int64 = 0
    }

    /// Hands out one prepared answer per `nextBatch`: rows, or none yet (an empty batch); then ends.
    final class ScriptedSource: SourceReader {
        private let types: [SQLType]
        private var answers: [[[Value]]]

        init(types: [SQLType], answers: [[[Value]]]) {
            self.types = types
            self.answers = answers
        }

        func nextBatch(maxRows: Int) throws -> RowBatch? {
            guard !answers.isEmpty else { return nil }
            var batch = RowBatch(types: types)
            for row in answers.removeFirst() { batch.appendRow(row) }
            return batch
        }
    }

    static func click(_ user: Int64, at second: Int64) -> [Value] {
        [.int(user), .int(1), .timestamp(second * 1_000)]
    }

    @Test func aWindowClosesWhenTheClockPassesItsEndWithoutInput() throws {
        let plan = try WindowTimeAttributeTests.plan(Self.q12, views: Self.views)
        #expect(plan.explained().contains { $0.text.contains("processing-time") })
        let clock = ManualClock()
        // Event times run backwards and far ahead of the clock: they neither close a window nor
        // make a row late, as they would in event time.
        let source = ScriptedSource(types: WindowTimeAttributeTests.fields.map(\.type), answers: [
            [Self.click(1, at: 900_000), Self.click(2, at: 800_000), Self.click(1, at: 700_000)],
            [Self.click(1, at: 600_000)],
            [],
            [Self.click(2, at: 500_000)],
        ])
        let sink = MemorySink(types: plan.schema.types)
        let pipeline = try QueryPipeline(plan: plan, openSource: { _ in source }, sink: sink, clock: { clock.now })

        clock.now = 1_000
        try pipeline.step()
        clock.now = 5_000
        try pipeline.step()
        #expect(sink.lines.isEmpty, "the clock has not reached 10 s")
        clock.now = 10_500
        try pipeline.step()
        #expect(pipeline.waitingForInput)
        #expect(sink.lines.sorted() == [
            "+I 1,3,1970-01-01 00:00:00.000,1970-01-01 00:00:10.000",
            "+I 2,1,1970-01-01 00:00:00.000,1970-01-01 00:00:10.000",
        ], "the window [0 s, 10 s) closes on the clock alone")
        clock.now = 12_000
        try pipeline.step()
        let metrics = try pipeline.runToEnd()
        #expect(sink.lines.suffix(1) == ["+I 2,1,1970-01-01 00:00:10.000,1970-01-01 00:00:20.000"],
                "the end of input closes the window still open")
        #expect(metrics.lateRows == 0)
    }

    @Test func aRestoredQueryKeepsTheRowsItsOpenWindowsHeld() throws {
        let plan = try WindowTimeAttributeTests.plan(Self.q12, views: Self.views)
        let clock = ManualClock()
        let types = WindowTimeAttributeTests.fields.map(\.type)
        let first = try QueryPipeline(
            plan: plan, openSource: { _ in ScriptedSource(types: types, answers: [[Self.click(1, at: 0)], []]) },
            sink: MemorySink(types: plan.schema.types), clock: { clock.now })
        clock.now = 3_000
        try first.step()
        var writer = StateWriter()
        try first.snapshot(into: &writer)
        // Restored on a machine whose clock is behind: the row taken at 3 s stays in [0 s, 10 s)
        // and closes with the row taken there now (the source is read again from its start).
        clock.now = 2_000
        let sink = MemorySink(types: plan.schema.types)
        let restored = try QueryPipeline(
            plan: plan, openSource: { _ in ScriptedSource(types: types, answers: [[Self.click(1, at: 0)], [Self.click(1, at: 0)]]) }, sink: sink, clock: { clock.now })
        var reader = StateReader(writer.bytes)
        try restored.restore(from: &reader)
        try restored.runToEnd()
        #expect(sink.lines == ["+I 1,2,1970-01-01 00:00:00.000,1970-01-01 00:00:10.000"])
    }

    @Test func aTemporalJoinOnAProcessingTimeColumnOfASubqueryIsALookup() throws {
        // Nexmark q13's shape: PROCTIME() named in a subquery is a processing-time attribute.
        let sql = "SELECT * FROM (SELECT *, PROCTIME() AS p_time FROM clicks) AS c JOIN clicks FOR SYSTEM_TIME AS OF c.p_time AS s ON c.user_id = s.user_id"
        let error = #expect(throws: SQLError.self) { try WindowTimeAttributeTests.plan(sql) }
        #expect(error?.message.contains("a processing-time temporal join needs") == true, "\(String(describing: error))")
    }

    @Test func onlyProctimeMakesAProcessingTimeAttribute() throws {
        // As in Flink: NOW() and CURRENT_TIMESTAMP read the clock too, but are plain timestamps.
        for clock in ["NOW()", "CURRENT_TIMESTAMP", "LOCALTIMESTAMP"] {
            let sql = Self.q12.replacingOccurrences(of: "TABLE b", with: "TABLE n")
            let error = #expect(throws: SQLError.self) {
                try WindowTimeAttributeTests.plan(sql, views: ["n": "SELECT *, \(clock) AS p_time FROM clicks"])
            }
            #expect(error?.message.contains("'p_time' is not a time attribute") == true, "\(clock): \(String(describing: error))")
        }
    }

    @Test func processingTimeWindowsCannotBeJoined() throws {
        let side = "TABLE(TUMBLE(TABLE b, DESCRIPTOR(p_time), INTERVAL '10' SECOND))"
        let sql = "SELECT * FROM \(side) AS l JOIN \(side) AS r ON l.window_start = r.window_start AND l.window_end = r.window_end"
        let error = #expect(throws: SQLError.self) { try WindowTimeAttributeTests.plan(sql, views: Self.views) }
        #expect(error?.message.contains("processing-time windows cannot be joined") == true, "\(String(describing: error))")
    }
}
