import RivuletCore
import RivuletPlanner
import RivuletRuntime
import Testing

@Suite struct QueryPipelineTests {
    static let fields = [Field("k", .bigint), Field("ts", .timestamp3), Field("v", .bigint)]

    /// TUMBLE(10 ms) COUNT(*), SUM(v) per k over rows with v > 15, watermark ts − 2 ms.
    static func plan() -> StreamPlan {
        let scan = scanPlan(fields, timeColumn: 1, delay: 2)
        let filter = StreamPlan.filter(.init(
            input: scan,
            predicate: .call(.greater, [columnRef(2, .bigint), .literal(.int(15), .bigint)], .boolean)))
        let sum = AggregateCall(kind: .sum, argument: columnRef(2, .bigint), type: .bigint)
        return .windowAggregate(windowPlan(
            input: filter, kind: .tumble(size: 10, offset: 0), timeColumn: 1, keys: [0], aggregates: [countStar, sum]))
    }

    static let rows: [[Value]] = [
        [.int(1), .timestamp(1), .int(10)],  // filtered out
        [.int(1), .timestamp(3), .int(20)],
        [.int(2), .timestamp(4), .int(30)],
        [.int(1), .null, .int(99)],  // no event time: a bad record
        [.int(1), .timestamp(15), .int(40)],
        [.int(2), .timestamp(5), .int(50)],  // arrives at watermark 13: late
        [.int(1), .timestamp(19), .int(60)],
    ]

    @Test(arguments: [1, 3, 8192])
    func runsABoundedSourceToTheEndOfTime(batchSize: Int) throws {
        let sink = MemorySink(types: [.bigint, .bigint, .bigint, .bigint, .bigint])
        let pipeline = try QueryPipeline(
            plan: Self.plan(), openSource: { _ in MemorySource(types: Self.fields.map(\.type), rows: Self.rows) },
            sink: sink, batchSize: batchSize)
        let metrics = try pipeline.runToEnd()
        #expect(sink.lines == ["+I 1,0,10,1,20", "+I 2,0,10,1,30", "+I 1,10,20,2,100"])
        #expect(sink.flushed && sink.closed)
        #expect(metrics.rowsRead == 7)
        #expect(metrics.rowsWritten == 3)
        #expect(metrics.lateRows == 1)
        #expect(metrics.badRecords == 1)
        #expect(metrics.stateSize == 0)
        #expect(metrics.watermark == Watermark.end)
        #expect(try pipeline.step() == false)
    }

    @Test func stepReportsProgressAndClosedWindowsIncrementally() throws {
        let sink = MemorySink(types: [.bigint, .bigint, .bigint, .bigint, .bigint])
        let pipeline = try QueryPipeline(
            plan: Self.plan(), openSource: { _ in MemorySource(types: Self.fields.map(\.type), rows: Self.rows) },
            sink: sink, batchSize: 5)
        #expect(try pipeline.step())
        // After rows 1-5 the watermark is 15 − 2 = 13, which closes [0, 10) but not [10, 20).
        #expect(sink.lines == ["+I 1,0,10,1,20", "+I 2,0,10,1,30"])
        #expect(pipeline.metrics.watermark == 13)
        #expect(pipeline.metrics.stateSize == 1)
        #expect(try pipeline.step())
        #expect(try pipeline.step() == false)
        #expect(sink.lines.count == 3)
    }

    @Test func eachOperatorCountsItsRowsAndStateUnderItsExplainLine() throws {
        let plan = Self.plan()
        #expect(plan.explained().map(\.operatorName) == ["TumblingWindowAggregate", "Filter", "Scan"])
        let pipeline = try QueryPipeline(
            plan: plan, openSource: { _ in MemorySource(types: Self.fields.map(\.type), rows: Self.rows) },
            sink: MemorySink(types: plan.schema.types), batchSize: 5)
        #expect(try pipeline.step())
        // Rows 1-5 read; the row without event time dropped, v > 15 keeps three, [0, 10) closed
        // with one row per key, and [10, 20) open for key 1.
        #expect(pipeline.operatorMetrics == [
            OperatorMetrics(line: 1, rowsOut: 2, stateSize: 1),
            OperatorMetrics(line: 2, rowsOut: 3),
            OperatorMetrics(line: 3, rowsOut: 5),
        ])
        #expect(pipeline.metrics.operators == pipeline.operatorMetrics)
        var writer = StateWriter()
        try pipeline.snapshot(into: &writer)
        let operators = pipeline.operatorMetrics
        #expect((operators[0].stateBytes ?? 0) > 0, "\(operators)")
        #expect(operators[1].stateBytes == nil && operators[2].stateBytes == nil)
    }

    @Test func aJoinsOperatorsAreNumberedAsExplainNumbersItsLines() throws {
        let fields = [Field("k", .bigint), Field("ts", .bigint)]
        let left = StreamPlan.filter(.init(
            input: namedScan("l", fields, timeColumn: 1),
            predicate: .call(.greater, [columnRef(0, .bigint), .literal(.int(1), .bigint)], .boolean)))
        let plan = StreamPlan.join(.init(
            left: left, right: namedScan("r", fields, timeColumn: 1), kind: .inner,
            strategy: .interval(lower: -10, upper: 5), leftKeys: [0], rightKeys: [0], residual: nil, leftTime: 1, rightTime: 1))
        let lines = plan.explained()
        #expect(lines.map(\.operatorName) == ["IntervalJoin", "Filter", "Scan", "Scan"])
        #expect(lines.map(\.inputs) == [[2, 4], [3], [], []])
        #expect(lines.map(\.text) == plan.explainLines())
        #expect(lines[2].detail.hasPrefix("l (memory)") && lines[3].detail.hasPrefix("r (memory)"))
        let rows: [String: [[Value]]] = ["l": [[.int(1), .int(0)], [.int(2), .int(5)]], "r": [[.int(2), .int(1)]]]
        let pipeline = try QueryPipeline(
            plan: plan, openSource: { scan in MemorySource(types: scan.schema.types, rows: rows[scan.relation.name] ?? []) },
            sink: MemorySink(types: plan.schema.types), batchSize: 10)
        _ = try pipeline.runToEnd()
        let operators = pipeline.operatorMetrics
        #expect(operators.map(\.line) == [1, 2, 3, 4])
        #expect(operators.map(\.rowsOut) == [1, 1, 2, 1])
        #expect(operators[0].stateSize != nil && operators[1].stateSize == nil)
    }

    @Test func aCheckpointRestoresOnlyIntoOperatorsWithItsStateFormat() throws {
        let source = { (_: StreamPlan.Scan) in MemorySource(types: Self.fields.map(\.type), rows: Self.rows) }
        let tumbling = try QueryPipeline(plan: Self.plan(), openSource: source, sink: MemorySink(types: []), batchSize: 3)
        #expect(try tumbling.step())
        var writer = StateWriter()
        try tumbling.snapshot(into: &writer)

        // The same plan takes the checkpoint back.
        var same = StateReader(writer.bytes)
        try QueryPipeline(plan: Self.plan(), openSource: source, sink: MemorySink(types: [])).restore(from: &same)

        // A hopping window where the tumbling one was: refused, naming both state formats.
        guard case .windowAggregate(var node) = Self.plan() else { Issue.record("not a window aggregate"); return }
        node.window.kind = .hop(size: 10, slide: 5, offset: 0)
        let hopping = try QueryPipeline(plan: .windowAggregate(node), openSource: source, sink: MemorySink(types: []))
        var other = StateReader(writer.bytes)
        let error = try #require(throws: SQLError.self) { try hopping.restore(from: &other) }
        #expect(error.message.contains("tumbling-window-aggregate v1"), "\(error.message)")
        #expect(error.message.contains("hopping-window-aggregate v1"), "\(error.message)")
    }

    @Test func groupAggregateOverAStreamEmitsAChangelogToTheSink() throws {
        let input = scanPlan(Self.fields, timeColumn: nil)
        let schema = Schema([Self.fields[0], Field("n", .bigint)])
        let plan = StreamPlan.groupAggregate(.init(input: input, keys: [0], aggregates: [countStar], schema: schema))
        let sink = MemorySink(types: schema.types)
        let rows: [[Value]] = [[.int(1), .timestamp(1), .int(0)], [.int(2), .timestamp(2), .int(0)], [.int(1), .timestamp(3), .int(0)]]
        let metrics = try QueryPipeline(
            plan: plan, openSource: { _ in MemorySource(types: Self.fields.map(\.type), rows: rows) }, sink: sink, batchSize: 2
        ).runToEnd()
        #expect(sink.lines == ["+I 1,1", "+I 2,1", "-U 1,1", "+U 1,2"])
        #expect(metrics.stateSize == 2)
    }
}
