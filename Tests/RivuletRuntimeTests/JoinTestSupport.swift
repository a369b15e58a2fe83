import RivuletCore
import RivuletPlanner
import RivuletRuntime

/// A scan of an in-memory relation named `name`, with event time in `timeColumn` (no delay unless given).
func namedScan(_ name: String, _ fields: [Field], timeColumn: Int?, primaryKey: [Int] = [], delayMillis: Int64 = 0) -> StreamPlan {
    let watermark = timeColumn.map { WatermarkSpec(column: $0, delayMillis: delayMillis) }
    let relation = Relation(
        name: name, kind: primaryKey.isEmpty ? .stream : .table, schema: Schema(fields),
        connector: ConnectorSpec(connector: "memory", options: [:]), watermark: watermark, primaryKey: primaryKey)
    return .scan(StreamPlan.Scan(relation: relation, columns: Array(fields.indices), watermark: watermark))
}

/// Runs a plan over in-memory sources (rows by relation name) and returns the sink's lines.
func runPlan(_ plan: StreamPlan, rows: [String: [[Value]]], batchSize: Int) throws -> (lines: [String], metrics: QueryMetrics) {
    let sink = MemorySink(types: plan.schema.types)
    let pipeline = try QueryPipeline(
        plan: plan,
        openSource: { scan in MemorySource(types: scan.schema.types, rows: rows[scan.relation.name] ?? []) },
        sink: sink, batchSize: batchSize)
    let metrics = try pipeline.runToEnd()
    return (sink.lines, metrics)
}
