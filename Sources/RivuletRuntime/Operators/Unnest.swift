public import RivuletCore
public import RivuletPlanner

/// `CROSS JOIN UNNEST(...)` / `EXPLODE(...)`: each row once per element of its array (or entry
/// of its map), with the element's columns appended (see `StreamPlan.Unnest`). Stateless; rows
/// keep their kind and arrival watermark.
public final class Unnest: StreamOperator {
    private let plan: StreamPlan.Unnest
    private let argument: CompiledExpression

    public init(_ plan: StreamPlan.Unnest) throws(SQLError) {
        guard StreamPlan.Unnest.elementFields(of: plan.argument.type) != nil else {
            throw SQLError(.datatypeMismatch, "UNNEST needs an ARRAY or a MAP, not \(plan.argument.type)")
        }
        self.plan = plan
        argument = try ExpressionCompiler.compile(plan.argument)
    }

    public func process(_ batch: RowBatch, port: Int, into output: inout Collector) throws {
        let lists = try argument.evaluate(batch)
        var rows: [Int] = []
        var elements: [Int] = []
        var ordinals: [Int64] = []
        // A NULL row inside an array whose rows are spread gives no row, as in Flink.
        let spreadRows: Column? = if case .array(.row) = plan.argument.type, plan.spreadsRows { lists.children[0] } else { nil }
        for row in 0..<batch.count where !lists.isNull(row) {
            for (position, element) in lists.listRange(row).enumerated() {
                if let spreadRows, spreadRows.isNull(element) { continue }
                rows.append(row)
                elements.append(element)
                ordinals.append(Int64(position + 1))
            }
        }
        var out = batch.gather(rows)
        switch plan.argument.type {
        case .array(.row) where plan.spreadsRows:
            // The row's fields become columns.
            for field in lists.children[0].children { out.columns.append(field.gather(elements)) }
        default:
            for child in lists.children { out.columns.append(child.gather(elements)) }
        }
        if plan.withOrdinality { out.columns.append(Column(ints: ordinals)) }
        output.emit(out)
    }

    public var stateFormat: StateFormat { StateFormat(kind: "unnest", version: 1) }
}
