public import RivuletCore
import RivuletSQL

extension QueryBinder {
    /// Whether a scalar subquery (of the select list or WHERE) is planned by `joinDependentSubquery`: an
    /// `ARRAY(...)`, one whose value is an aggregate, or one whose FROM calls a function (it may
    /// read the outer row, `unnest(outer.array)`).
    static func isDependent(_ subquery: ScalarSubquery) -> Bool {
        guard !subquery.collectsArray else { return true }
        guard case .select(let select) = subquery.query.body else { return false }
        if select.items.count == 1, case .expression(let item) = select.items[0], aggregateCall(item.expr) != nil { return true }
        return select.from.contains { if case .unnest = $0 { true } else { false } }
    }

    /// The aggregate a subquery's one select item is, `string_agg(x, ', ')` among them.
    private static func aggregateCall(_ expr: Expr) -> FunctionCall? {
        guard case .function(let call) = expr, FunctionBinder.isAggregate(call) || call.upperName == "STRING_AGG" else { return nil }
        return call
    }

    /// `input` left-joined with the value of `subquery` for each of its rows, computed the way
    /// Postgres evaluates a correlated subquery once per outer row: the subquery's FROM is
    /// joined to the outer rows (a function in it, `unnest(outer.array)`, expands each outer row
    /// by what it reads of it), filtered by its WHERE, and grouped by the whole outer row into
    /// the subquery's value: every row's value for `ARRAY(...)` (`{}` when there is none), the
    /// aggregate of an aggregate subquery, else the one row's value (NULL for none; more than
    /// one fails with 21000, as in Postgres). Outer rows that are equal get equal values, so
    /// grouping by the row and joining the groups back on it keeps each outer row once.
    ///
    /// Inside the subquery a name is looked up among its own columns first, then the outer
    /// query's. Its columns are hidden from the outer query.
    func joinDependentSubquery(_ subquery: ScalarSubquery, into input: inout Input) throws(SQLError) -> BoundExpr {
        let query = subquery.query
        guard case .select(let select) = query.body, query.with.isEmpty, query.limit == nil, query.emit == nil,
            !select.distinct, select.groupBy.isEmpty, select.groupingSets.isEmpty, select.having == nil, select.window == nil,
            !select.from.isEmpty, select.items.count == 1, case .expression(let item) = select.items[0]
        else {
            throw SQLError.unsupported(
                "a subquery value is supported as one expression over FROM and WHERE, without GROUP BY, DISTINCT or LIMIT",
                at: subquery.span)
        }
        guard input.window == nil, input.scope.columns.count == input.plan.schema.count else {
            throw SQLError.unsupported("a subquery over a window table function", at: subquery.span)
        }
        let outer = input
        let width = outer.plan.schema.count
        let outerFields = outer.plan.schema.fields

        // The outer rows, each joined with the subquery's FROM.
        var outerColumns = outer.scope.columns
        for i in outerColumns.indices {
            outerColumns[i].isEventTime = false
            outerColumns[i].isOuter = true
        }
        var dependent = Input(plan: outer.plan, scope: Scope(columns: outerColumns), window: nil)
        for reference in select.from {
            dependent = try joinLaterally(reference, to: dependent)
        }
        if let whereClause = select.whereClause {
            let predicate = try scalarBinder(for: dependent.scope, clause: "WHERE").bind(whereClause)
            guard predicate.type == .boolean || predicate.type == .null else {
                throw SQLError(.datatypeMismatch, "WHERE needs a BOOLEAN condition, found \(predicate.type)", at: whereClause.span)
            }
            dependent.plan = .filter(.init(input: dependent.plan, predicate: predicate))
        }

        // Grouped by the outer row, as one ROW value (equal however many of its columns are NULL).
        let rowType = SQLType.row(outerFields.enumerated().map { RowField("f\($0.offset)", $0.element.type) })
        let outerRow = BoundExpr.call(.makeRow, outerFields.enumerated().map { .column($0.offset, $0.element.type) }, rowType)
        let binder = scalarBinder(for: dependent.scope, clause: "a subquery")
        var pre = PreProjection(virtualBase: dependent.plan.schema.count)
        let keySlot = pre.slot(outerRow)
        var call: FunctionCall
        var finish: (BoundExpr) throws(SQLError) -> BoundExpr
        if !subquery.collectsArray, let aggregate = Self.aggregateCall(item.expr) {
            call = aggregate
            finish = { $0 }
            if aggregate.upperName == "STRING_AGG" {
                // The values collected, then joined by the delimiter.
                guard aggregate.arguments.count == 2 else {
                    throw SQLError(.undefinedFunction, "string_agg takes 2 arguments", at: aggregate.span)
                }
                let delimiter = try scalarBinder(for: Scope(columns: []), clause: "string_agg").bind(aggregate.arguments[1])
                call.name = ObjectName([Identifier("array_agg", span: aggregate.span)])
                call.arguments = [.cast(Cast(expr: aggregate.arguments[0], type: .varchar, span: aggregate.arguments[0].span))]
                finish = { (collected: BoundExpr) throws(SQLError) -> BoundExpr in
                    .call(.arrayJoin, [collected, try binder.cast(delimiter, to: .varchar)], .varchar)
                }
            }
        } else {
            // Every row's value, in the subquery's order (`ORDER BY 1` is the value itself).
            call = FunctionCall(name: ObjectName([Identifier("array_agg", span: subquery.span)]), arguments: [item.expr], span: subquery.span)
            call.orderBy = query.orderBy.map { order in
                var order = order
                if case .literal(let literal) = order.expr, literal.value == .number("1") { order.expr = item.expr }
                return order
            }
            let collectsArray = subquery.collectsArray
            finish = { collected in
                guard collectsArray else { return .call(.element, [collected], Self.elementType(of: collected.type)) }
                return .call(.coalesce, [collected, .literal(.array([]), collected.type)], collected.type)
            }
        }
        if Self.listFinishedAggregates.contains(call.upperName) {
            throw SQLError.unsupported("\(call.upperName) in a correlated subquery is not supported", at: call.span)
        }
        let aggregate = try bindAggregateCall(call, binder: binder, into: &pre)
        let projected = StreamPlan.project(.init(input: dependent.plan, expressions: pre.expressions, schema: pre.schema, timeColumn: nil))
        let grouped = StreamPlan.groupAggregate(.init(
            input: projected, keys: [keySlot], aggregates: [aggregate],
            schema: Schema([Field("$row", rowType), Field("$value", aggregate.type)])))

        // Joined back to the outer rows on the whole row.
        let keyed = StreamPlan.project(.init(
            input: outer.plan,
            expressions: outerFields.enumerated().map { BoundExpr.column($0.offset, $0.element.type) } + [outerRow],
            schema: Schema(outerFields + [Field("$row", rowType)]), timeColumn: nil))
        var join = StreamPlan.Join(
            left: keyed, right: grouped, kind: .left, strategy: .regular, leftKeys: [width], rightKeys: [0],
            residual: nil, leftTime: nil, rightTime: nil, stateTTLMillis: stateTTLMillis)
        join.leftMatchesAtMostOnce = true
        var visible = outer.scope.columns
        for i in visible.indices { visible[i].isEventTime = false }
        let hidden = [rowType, rowType, aggregate.type].map { type in
            Scope.Column(qualifiers: [], name: "", type: type, isEventTime: false, isSystem: true)
        }
        input = Input(plan: .join(join), scope: Scope(columns: visible + hidden), window: nil)

        var value = try finish(.column(width + 2, aggregate.type))
        if aggregate.kind == .count || aggregate.kind == .countStar {
            // COUNT over no rows is 0, not NULL.
            value = .call(.coalesce, [value, .literal(.int(0), .bigint)], .bigint)
        }
        return value
    }

    private static func elementType(of type: SQLType) -> SQLType {
        if case .array(let element) = type { return element }
        return type
    }

    /// `left` joined with one FROM item of a dependent subquery: expanded by a function that
    /// reads its columns (`unnest(outer.array)`, `generate_series(1, outer.n)`), else crossed
    /// with the item (the subquery's WHERE filters the pairs).
    private func joinLaterally(_ reference: TableReference, to left: Input) throws(SQLError) -> Input {
        if case .unnest(let unnest) = reference, let expanded = try expand(left, by: unnest) {
            return expanded
        }
        var right = try materializedWindow(bindTableReference(reference))
        for i in right.scope.columns.indices { right.scope.columns[i].isEventTime = false }
        let join = StreamPlan.Join(
            left: left.plan, right: right.plan, kind: .inner, strategy: .regular, leftKeys: [], rightKeys: [],
            residual: nil, leftTime: nil, rightTime: nil, stateTTLMillis: stateTTLMillis)
        return Input(plan: .join(join), scope: Scope(columns: left.scope.columns + right.scope.columns), window: nil)
    }
}
