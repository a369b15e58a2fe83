public import RivuletCore
public import RivuletSQL

/// Fits a query's output to the columns of the relation it is inserted into.
public enum SinkMapping {
    /// A projection that puts the query's columns into the sink's order and types; sink columns
    /// not named in `columns` receive NULL. `plan` is a final plan (from `QueryBinder.bind`) and
    /// stays one: the projection reads every column of it, so no plan rule has more to do.
    /// A sink's computed and metadata columns are not written: the query fills the others.
    public static func plan(_ plan: StreamPlan, into declared: Relation, columns: [Identifier], at span: SourceSpan) throws(SQLError) -> StreamPlan {
        let sink = declared.written
        let output = plan.schema
        var targets: [Int] = []
        if columns.isEmpty {
            targets = Array(sink.schema.fields.indices)
        } else {
            for column in columns {
                if let index = declared.schema.firstIndex(of: column.value) {
                    if declared.computedExpression(of: index) != nil {
                        throw SQLError(.invalidColumnReference, "'\(sink.name).\(column.value)' is a computed column and cannot be written", at: column.span)
                    }
                    if declared.metadataKey(of: index) != nil {
                        throw SQLError(.invalidColumnReference, "'\(sink.name).\(column.value)' is a metadata column and cannot be written", at: column.span)
                    }
                }
                guard let index = sink.schema.firstIndex(of: column.value) else {
                    throw SQLError(.undefinedColumn, "'\(sink.name)' has no column '\(column.value)'", at: column.span)
                }
                targets.append(index)
            }
        }
        guard targets.count == output.count else {
            throw SQLError(.datatypeMismatch,
                           "the query produces \(output.count) column\(output.count == 1 ? "" : "s") but '\(sink.name)' expects \(targets.count)",
                           at: span, hint: "sink columns: \(targets.map { sink.schema[$0].description }.joined(separator: ", "))")
        }
        if !plan.appendOnly, sink.primaryKey.isEmpty, !sink.connector.takesChangelog {
            throw SQLError.unsupported(
                "'\(sink.name)' is append-only, but the query produces updates (a changelog); declare the sink with a PRIMARY KEY and an upsert connector such as 'sqlite'",
                at: span)
        }
        var expressions: [BoundExpr] = sink.schema.fields.map { .literal(.null, $0.type) }
        for (position, target) in targets.enumerated() {
            let source = output[position].type
            let wanted = sink.schema[target].type
            guard TypeCoercion.isAssignable(source, to: wanted) else {
                throw SQLError(.datatypeMismatch,
                               "column \(position + 1) of the query is \(source), which cannot be written to '\(sink.name).\(sink.schema[target].name)' of type \(wanted)",
                               at: span)
            }
            let column = BoundExpr.column(position, source)
            expressions[target] = source == wanted ? column : .cast(column, to: wanted)
        }
        let identity = expressions.enumerated().allSatisfy { index, expr in expr == .column(index, output[index].type) }
        if identity, output.count == sink.schema.count { return plan }
        return .project(.init(input: plan, expressions: expressions, schema: sink.schema))
    }
}
