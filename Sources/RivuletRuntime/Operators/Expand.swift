public import RivuletCore
public import RivuletPlanner

/// Emits each row once per projection (the grouping sets of an aggregate), the copies of a row
/// together, so rows stay in arrival order and their arrival watermarks never go back; row
/// kinds and arrival watermarks are kept.
public final class Expand: StreamOperator {
    private let projections: [Project]
    private let types: [SQLType]

    public init(_ plan: StreamPlan.Expand) throws(SQLError) {
        projections = try plan.projections.map { expressions throws(SQLError) in try Project(expressions: expressions) }
        types = plan.schema.types
    }

    public func process(_ batch: RowBatch, port: Int, into output: inout Collector) throws {
        var copies: [RowBatch] = []
        for projection in projections {
            var projected = Collector()
            try projection.process(batch, port: port, into: &projected)
            copies += projected.drain()
        }
        guard copies.count == projections.count, batch.count > 0 else { return }
        var expanded = RowBatch(types: types, capacity: batch.count * copies.count)
        if batch.kinds != nil { expanded.kinds = [] }
        if batch.arrivalWatermarks != nil { expanded.arrivalWatermarks = [] }
        for row in 0..<batch.count {
            for copy in copies {
                for column in expanded.columns.indices { expanded.columns[column].append(from: copy.columns[column], row: row) }
                expanded.kinds?.append(batch.kind(row))
                expanded.arrivalWatermarks?.append(batch.arrivalWatermarks![row])
            }
        }
        expanded.count = batch.count * copies.count
        output.emit(expanded)
    }

    public var stateFormat: StateFormat { StateFormat(kind: "expand", version: 1) }
}
