public import RivuletCore
public import RivuletSQL

extension QueryBinder {
    /// The plan of a query body, and the expression of each output column (nil where none).
    func bindSetExpr(_ body: SetExpr, emit: EmitMode?) throws(SQLError) -> (StreamPlan, [Expr?]) {
        switch body {
        case .select(let select):
            return try bindSelect(select, emit: emit)
        case .values(let values):
            let plan = try bindValues(values)
            return (plan, Array(repeating: nil, count: plan.schema.count))
        case .query(let inner):
            let bound = try bindQuery(inner)
            return (bound.plan, Array(repeating: nil, count: bound.plan.schema.count))
        case .setOperation(let operation):
            return try bindSetOperation(operation, emit: emit)
        }
    }

    /// `left UNION|INTERSECT|EXCEPT [ALL] right`, as Flink plans them: `UNION ALL` is a union of
    /// the two inputs; `UNION` that union made distinct (a grouping by every column, no
    /// aggregates); `INTERSECT` and `EXCEPT` the distinct rows of a semi or anti join of the left
    /// input with the right on every column, NULL equal to NULL; `INTERSECT ALL` and `EXCEPT ALL`
    /// keep each row as many times as the counts of both sides say (a `MultisetOperation`). The result takes the left input's column names; each column's type is the
    /// common type of the two sides', which are cast to it below the operation.
    private func bindSetOperation(_ operation: SetOperation, emit: EmitMode?) throws(SQLError) -> (StreamPlan, [Expr?]) {
        var (left, leftItems) = try bindSetExpr(operation.left, emit: emit)
        var (right, _) = try bindSetExpr(operation.right, emit: emit)
        let name = operation.op.rawValue + (operation.all ? " ALL" : "")
        guard left.schema.count == right.schema.count else {
            throw SQLError(
                .syntaxError, "each side of \(name) must have the same number of columns, found \(left.schema.count) and \(right.schema.count)",
                at: operation.span)
        }
        var fields: [Field] = []
        for (l, r) in zip(left.schema.fields, right.schema.fields) {
            guard let type = TypeCoercion.commonType(l.type, r.type) else {
                throw SQLError(.datatypeMismatch, "\(name) of column '\(l.name)' types \(l.type) and \(r.type) that have no common type",
                               at: operation.span)
            }
            fields.append(Field(l.name, type == .null ? .varchar : type, nullable: l.nullable || r.nullable))
        }
        let schema = Schema(fields)
        left = Self.casting(left, to: schema)
        right = Self.casting(right, to: schema)
        switch operation.op {
        case .union:
            var plan = StreamPlan.union(.init(inputs: Self.unionInputs(left) + Self.unionInputs(right), schema: schema))
            if !operation.all {
                plan = .groupAggregate(.init(input: plan, keys: Array(schema.fields.indices), aggregates: [], schema: schema))
            }
            return (plan, leftItems.map { _ in nil })
        case .intersect, .except:
            if operation.all {
                let op: StreamPlan.MultisetOperation.Operator = operation.op == .intersect ? .intersectAll : .exceptAll
                return (.multisetOperation(.init(left: left, right: right, op: op)), leftItems.map { _ in nil })
            }
            let keys = Array(schema.fields.indices)
            let joined = StreamPlan.semiJoin(.init(
                left: left, right: right, leftKeys: keys, rightKeys: keys, anti: operation.op == .except, nulls: .equal))
            let plan = StreamPlan.groupAggregate(.init(input: joined, keys: keys, aggregates: [], schema: schema))
            return (plan, leftItems.map { _ in nil })
        }
    }

    /// The inputs of a `UNION ALL` (flattened, so `a UNION ALL b UNION ALL c` is one operator).
    private static func unionInputs(_ plan: StreamPlan) -> [StreamPlan] {
        if case .union(let node) = plan { return node.inputs }
        return [plan]
    }

    /// `plan` with its columns cast to `schema`'s types and named as it names them; unchanged when
    /// they already are.
    static func casting(_ plan: StreamPlan, to schema: Schema) -> StreamPlan {
        let types = plan.schema.types
        if types == schema.types, plan.schema.fields.map(\.name) == schema.fields.map(\.name) { return plan }
        let expressions = zip(types, schema.types).enumerated().map { index, pair -> BoundExpr in
            pair.0 == pair.1 ? .column(index, pair.0) : .cast(.column(index, pair.0), to: pair.1)
        }
        let time = plan.eventTimeColumn.flatMap { types[$0] == schema.types[$0] ? $0 : nil }
        return .project(.init(input: plan, expressions: expressions, schema: schema, timeColumn: time))
    }
}
