import RivuletCore
import RivuletPlanner
import RivuletRuntime
import Testing

/// Each row an operator drops as late is recorded with the columns it reached the operator
/// with (named as in the source), its event time, the watermark it arrived under and the window
/// it missed, whatever the batch sizes.
@Suite struct LateRowLogTests {
    static let fields = QueryPipelineTests.fields
    static let rows = QueryPipelineTests.rows

    private static func run(_ plan: StreamPlan, outputs: Int, batchSize: Int) throws -> (log: LateRowLog, lateRows: Int) {
        let log = LateRowLog()
        let pipeline = try QueryPipeline(
            plan: plan, openSource: { _ in MemorySource(types: fields.map(\.type), rows: rows) },
            sink: MemorySink(types: Array(repeating: .bigint, count: outputs)), batchSize: batchSize, lateRowLog: log)
        return (log, try pipeline.runToEnd().lateRows)
    }

    @Test(arguments: [1, 3, 8192])
    func aTumblingWindowRecordsTheRowAndTheWindowItMissed(batchSize: Int) throws {
        let (log, count) = try Self.run(QueryPipelineTests.plan(), outputs: 5, batchSize: batchSize)
        #expect(count == 1)
        let late = try #require(log.entries.first)
        #expect(log.entries.count == 1)
        #expect(late.source == "s")
        #expect(late.operatorName == "TumblingWindowAggregate")
        #expect(late.rowJSON == #"{"k":2,"ts":"1970-01-01 00:00:00.005","v":50}"#)
        #expect(late.eventTime == 5)
        #expect(late.watermark == 13, "the watermark it arrived under: 15 − 2")
        #expect(late.windowStart == 0 && late.windowEnd == 10)
    }

    @Test(arguments: [1, 8192])
    func aHoppingWindowReportsTheLastWindowTheRowBelongedTo(batchSize: Int) throws {
        let plan = StreamPlan.windowAggregate(windowPlan(
            input: scanPlan(Self.fields, timeColumn: 1, delay: 2), kind: .hop(size: 6, slide: 3, offset: 0), timeColumn: 1,
            keys: [0], aggregates: [countStar]))
        let (log, count) = try Self.run(plan, outputs: 4, batchSize: batchSize)
        // Row (2, @5) belongs to [0, 6) and [3, 9); under watermark 13 both have fired.
        #expect(count == 1)
        let late = try #require(log.entries.first)
        #expect(log.entries.count == 1)
        #expect(late.operatorName == "HoppingWindowAggregate")
        #expect(late.eventTime == 5 && late.watermark == 13)
        #expect(late.windowStart == 3 && late.windowEnd == 9)
    }

    @Test(arguments: [1, 8192])
    func aSessionReportsTheSessionTheRowWouldHaveOpened(batchSize: Int) throws {
        let plan = StreamPlan.windowAggregate(windowPlan(
            input: scanPlan(Self.fields, timeColumn: 1, delay: 2), kind: .session(gap: 3), timeColumn: 1,
            keys: [0], aggregates: [countStar]))
        let (log, count) = try Self.run(plan, outputs: 4, batchSize: batchSize)
        // Key 2's session [4, 7) closes at watermark 6; its row @5 arrives under 13, too late to
        // join it and too late for a session of its own, [5, 8).
        #expect(count == 1)
        let late = try #require(log.entries.first)
        #expect(late.operatorName == "SessionWindowAggregate")
        #expect(late.eventTime == 5 && late.watermark == 13)
        #expect(late.windowStart == 5 && late.windowEnd == 8)
    }

    @Test func withoutALogLateRowsAreOnlyCounted() throws {
        let pipeline = try QueryPipeline(
            plan: QueryPipelineTests.plan(), openSource: { _ in MemorySource(types: Self.fields.map(\.type), rows: Self.rows) },
            sink: MemorySink(types: Array(repeating: .bigint, count: 5)))
        #expect(try pipeline.runToEnd().lateRows == 1)
    }
}
