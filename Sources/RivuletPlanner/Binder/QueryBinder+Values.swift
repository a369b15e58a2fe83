public import RivuletCore
public import RivuletSQL

extension QueryBinder {
    /// `VALUES (a, b), (c, d)`: the one-row relation expanded into one row per VALUES row, so the
    /// rows come once and the input ends, with no event time. Each column takes the common type
    /// of its values, as Flink's does (`1` and `2.5` give DECIMAL, every row cast to it); an
    /// untyped NULL has none, and Flink refuses it, so it needs a CAST. Columns are named
    /// `EXPR$0`, `EXPR$1`, ... (Postgres's `column1`, ... for Postgres clients).
    func bindValues(_ values: Values) throws(SQLError) -> StreamPlan {
        let binder = ExpressionBinder(resolveColumn: { (reference: ColumnReference) throws(SQLError) -> BoundExpr in
            throw SQLError(.undefinedColumn, "VALUES cannot refer to column '\(reference.name.value)'", at: reference.span)
        }, clause: "VALUES", context: context)
        let width = values.rows[0].count
        var rows: [[BoundExpr]] = []
        for row in values.rows {
            guard row.count == width else {
                throw SQLError(.syntaxError, "each row of VALUES must have \(width) value\(width == 1 ? "" : "s"), this one has \(row.count)",
                               at: row[0].span.union(row[row.count - 1].span))
            }
            var bound: [BoundExpr] = []
            for expr in row {
                let value = try binder.bind(expr)
                if value.type == .null {
                    throw SQLError(.datatypeMismatch, "a NULL in VALUES needs a type", at: expr.span,
                                   hint: "write CAST(NULL AS <type>)")
                }
                bound.append(value)
            }
            rows.append(bound)
        }
        var fields: [Field] = []
        for column in 0..<width {
            let column = rows.map { $0[column] }
            let type = try binder.commonType(of: column, at: values.span, what: "column \(fields.count + 1) of VALUES")
            let nullable = column.contains { if case .literal(let value, _) = $0 { value == .null } else { true } }
            let name = context?.columnNaming == .postgres ? "column\(fields.count + 1)" : "EXPR$\(fields.count)"
            fields.append(Field(name, type, nullable: nullable))
        }
        var projections: [[BoundExpr]] = []
        for row in rows {
            var projection: [BoundExpr] = []
            for (value, field) in zip(row, fields) { projection.append(try binder.cast(value, to: field.type)) }
            projections.append(projection)
        }
        let oneRow = StreamPlan.scan(StreamPlan.Scan(relation: .oneRow, columns: [], watermark: nil))
        return .expand(.init(input: oneRow, projections: projections, schema: Schema(fields), timeColumn: nil))
    }
}
