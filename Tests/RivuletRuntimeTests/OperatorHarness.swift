import RivuletCore
import RivuletPlanner
import RivuletRuntime

/// Drives one operator behind a `WatermarkAssigner` the way a pipeline does: the rows are cut
/// into batches of `batchSize`, the watermark advances after each batch, and the end of input
/// advances it to `Watermark.end`.
struct OperatorRun {
    var lines: [String] = []
    var lateRows = 0
    var stateSizeAtEnd = 0
}

func runOperator(
    _ op: any StreamOperator, rows: [[Value]], types: [SQLType], outputTypes: [SQLType],
    timeColumn: Int, delay: Int64, batchSize: Int, kinds: [RowKind]? = nil
) throws -> OperatorRun {
    let assigner = WatermarkAssigner(spec: WatermarkSpec(column: timeColumn, delayMillis: delay))
    var run = OperatorRun()
    var start = 0
    while start < rows.count {
        let end = min(rows.count, start + batchSize)
        var batch = RowBatch(types: types)
        for i in start..<end { batch.appendRow(rows[i], kind: kinds?[i] ?? .insert) }
        var assigned = Collector()
        try assigner.process(batch, port: 0, into: &assigned)
        var out = Collector()
        for b in assigned.drain() { try op.process(b, port: 0, into: &out) }
        _ = try op.watermarkAdvanced(to: assigner.watermark, port: 0, into: &out)
        for b in out.drain() { run.lines += render(b, types: outputTypes) }
        start = end
    }
    var out = Collector()
    _ = try op.watermarkAdvanced(to: Watermark.end, port: 0, into: &out)
    for b in out.drain() { run.lines += render(b, types: outputTypes) }
    run.lateRows = op.lateRows
    run.stateSizeAtEnd = op.stateSize
    return run
}

func scanPlan(_ fields: [Field], timeColumn: Int?, delay: Int64 = 0, changelog: Bool = false) -> StreamPlan {
    let relation = Relation(
        name: "s", kind: changelog ? .table : .stream, schema: Schema(fields),
        connector: ConnectorSpec(connector: "memory", options: [:]),
        watermark: timeColumn.map { WatermarkSpec(column: $0, delayMillis: delay) },
        primaryKey: changelog ? [0] : [])
    return .scan(StreamPlan.Scan(
        relation: relation, columns: Array(fields.indices),
        watermark: timeColumn.map { WatermarkSpec(column: $0, delayMillis: delay) }))
}

func windowPlan(
    input: StreamPlan, kind: WindowSpec.Kind, timeColumn: Int, keys: [Int], aggregates: [AggregateCall],
    emit: StreamPlan.WindowAggregate.Emit = .final, grace: Int64 = 0, dialect: WindowSpec.Dialect = .flink
) -> StreamPlan.WindowAggregate {
    let inputSchema = input.schema
    var fields = keys.map { inputSchema[$0] }
    fields.append(Field("window_start", .bigint, nullable: false))
    fields.append(Field("window_end", .bigint, nullable: false))
    for (i, call) in aggregates.enumerated() { fields.append(Field("a\(i)", call.type)) }
    return StreamPlan.WindowAggregate(
        input: input, window: WindowSpec(kind: kind, timeColumn: timeColumn, grace: grace, dialect: dialect),
        keys: keys, aggregates: aggregates, emit: emit, schema: Schema(fields))
}

func columnRef(_ index: Int, _ type: SQLType) -> BoundExpr { .column(index, type) }

let countStar = AggregateCall(kind: .countStar, argument: nil, type: .bigint)
