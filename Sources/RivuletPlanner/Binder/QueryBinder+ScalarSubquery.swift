public import RivuletCore
import RivuletSQL

extension QueryBinder {
    /// Every distinct scalar subquery of the select list, in order of appearance (not those
    /// nested inside another subquery).
    static func scalarSubqueries(of select: Select) -> [ScalarSubquery] {
        var found: [ScalarSubquery] = []
        for item in select.items {
            if case .expression(let selected) = item { collectScalarSubqueries(selected.expr, into: &found) }
        }
        return found
    }

    /// Every distinct scalar subquery of `expr` (a WHERE clause), in order of appearance.
    static func scalarSubqueries(of expr: Expr) -> [ScalarSubquery] {
        var found: [ScalarSubquery] = []
        collectScalarSubqueries(expr, into: &found)
        return found
    }

    private static func collectScalarSubqueries(_ expr: Expr, into found: inout [ScalarSubquery]) {
        switch expr {
        case .scalarSubquery(let node):
            if !found.contains(node) { found.append(node) }
        case .exists(let node):
            let count = rowCount(of: node)
            if !found.contains(count) { found.append(count) }
        default:
            for child in expr.children { collectScalarSubqueries(child, into: &found) }
        }
    }

    /// `[NOT] EXISTS (query)` where a WHERE conjunct cannot be a semi-join (in the select list,
    /// under OR): how many rows the query has for the outer row, `(SELECT count(*) ...)`.
    private static func rowCount(of exists: Exists) -> ScalarSubquery {
        var query = exists.query
        if case .select(var select) = query.body {
            let count = FunctionCall(name: ObjectName([Identifier("count", span: exists.span)]), isStar: true, span: exists.span)
            select.items = [.expression(SelectExpression(expr: .function(count), span: exists.span))]
            query.body = .select(select)
            query.orderBy = []
        }
        return ScalarSubquery(query: query, span: exists.span)
    }

    /// What a scalar subquery or an EXISTS joined by `joinScalarSubqueries` reads as.
    static func subqueryValue(_ expr: Expr, values: [ScalarSubquery: BoundExpr]) -> BoundExpr? {
        switch expr {
        case .scalarSubquery(let node):
            return values[node]
        case .exists(let node):
            guard let count = values[rowCount(of: node)] else { return nil }
            return .call(node.negated ? .equal : .greater, [count, .literal(.int(0), .bigint)], .boolean)
        default:
            return nil
        }
    }

    /// `input` left-joined with the rows of each scalar subquery (`(SELECT expr FROM ... WHERE
    /// ...)`, correlated or not), and the value of each over the joined columns: its expression
    /// where a subquery row matched, else NULL. An outer row that more than one subquery row
    /// matches fails the query (21000), as in Postgres.
    ///
    /// The subquery's FROM, filtered by the WHERE conjuncts that read only its own columns, is
    /// the join's right side; the conjuncts that read the outer query's columns are the join
    /// condition (equalities between columns become the join's keys). Inside the subquery a name
    /// is looked up among its own columns first, then the outer query's, as in Postgres. Its
    /// columns are hidden from the outer query: neither its names nor `*` reach them.
    func joinScalarSubqueries(_ subqueries: [ScalarSubquery], into input: inout Input) throws(SQLError)
        -> [ScalarSubquery: BoundExpr]
    {
        var values: [ScalarSubquery: BoundExpr] = [:]
        for subquery in subqueries {
            values[subquery] = Self.isDependent(subquery)
                ? try joinDependentSubquery(subquery, into: &input) : try joinScalarSubquery(subquery, into: &input)
        }
        return values
    }

    private func joinScalarSubquery(_ subquery: ScalarSubquery, into input: inout Input) throws(SQLError) -> BoundExpr {
        let query = subquery.query
        guard case .select(let select) = query.body, query.with.isEmpty, query.orderBy.isEmpty, query.limit == nil,
            query.emit == nil, !select.distinct, select.groupBy.isEmpty, select.groupingSets.isEmpty, select.having == nil,
            select.window == nil, !select.from.isEmpty, collectAggregates(select).isEmpty,
            select.items.count == 1, case .expression(let item) = select.items[0]
        else {
            throw SQLError.unsupported(
                "a scalar subquery is supported as one expression over FROM and WHERE, without aggregates, GROUP BY, "
                    + "DISTINCT, ORDER BY or LIMIT", at: subquery.span)
        }
        guard input.window == nil, input.scope.columns.count == input.plan.schema.count else {
            throw SQLError.unsupported("a scalar subquery over a window table function", at: subquery.span)
        }

        // Which WHERE conjuncts read only the subquery's own FROM.
        var ownColumns: [Scope.Column] = []
        for item in select.from { ownColumns += try bindTableReference(item).scope.columns }
        let ownBinder = scalarBinder(for: Scope(columns: ownColumns), clause: "WHERE")
        var own: [Expr] = []
        var correlated: [Expr] = []
        for conjunct in Self.whereConjuncts(select.whereClause) {
            if (try? ownBinder.bind(conjunct)) != nil { own.append(conjunct) } else { correlated.append(conjunct) }
        }
        var innerSelect = select
        innerSelect.whereClause = own.dropFirst().reduce(own.first) { conjunction, next in
            .binary(BinaryExpression(left: conjunction!, op: .and, right: next, span: next.span))
        }
        var (inner, remaining) = try bindJoinedFrom(innerSelect)
        if let remaining {
            inner.plan = .filter(.init(input: inner.plan, predicate: try scalarBinder(for: inner.scope, clause: "WHERE").bind(remaining)))
        }
        guard inner.window == nil, inner.scope.columns.count == inner.plan.schema.count else {
            throw SQLError.unsupported("a scalar subquery over a window table function", at: subquery.span)
        }

        // The right side: the subquery's columns and a marker that a row matched.
        let innerWidth = inner.plan.schema.count
        let right = StreamPlan.project(.init(
            input: inner.plan,
            expressions: inner.plan.schema.fields.enumerated().map { BoundExpr.column($0.offset, $0.element.type) }
                + [.literal(.boolean(true), .boolean)],
            schema: Schema(inner.plan.schema.fields + [Field("$matched", .boolean)]), timeColumn: nil))
        let outer = input
        let width = outer.plan.schema.count
        let binder = ExpressionBinder(
            resolveColumn: { (reference: ColumnReference) throws(SQLError) -> BoundExpr in
                do throws(SQLError) {
                    let index = try inner.scope.resolve(reference)
                    return .column(width + index, inner.scope.columns[index].type)
                } catch {
                    guard error.state == .undefinedColumn || error.state == .undefinedTable else { throw error }
                    let index = try outer.scope.resolve(reference)
                    return .column(index, outer.scope.columns[index].type)
                }
            },
            clause: "a subquery", context: context)

        var conjuncts: [BoundExpr] = []
        for conjunct in correlated {
            let bound = try binder.bind(conjunct)
            guard bound.type == .boolean || bound.type == .null else {
                throw SQLError(.datatypeMismatch, "WHERE needs a BOOLEAN condition, found \(bound.type)", at: conjunct.span)
            }
            conjuncts += Self.conjuncts(of: bound)
        }
        var hidden = inner.scope.columns + [Scope.Column(qualifiers: [], name: "", type: .boolean, isEventTime: false)]
        for i in hidden.indices {
            hidden[i] = Scope.Column(qualifiers: [], name: "", type: hidden[i].type, isEventTime: false, isSystem: true)
        }
        var outerColumns = outer.scope.columns
        for i in outerColumns.indices { outerColumns[i].isEventTime = false }
        let keys = Self.joinKeys(of: conjuncts, leftWidth: width, columns: outerColumns + hidden)
        let residual = keys.rest.dropFirst().reduce(keys.rest.first) { conjunction, next in .call(.and, [conjunction!, next], .boolean) }
        var join = StreamPlan.Join(
            left: outer.plan, right: right, kind: .left, strategy: .regular, leftKeys: keys.left, rightKeys: keys.right,
            residual: residual, leftTime: nil, rightTime: nil, stateTTLMillis: stateTTLMillis)
        join.leftMatchesAtMostOnce = true
        input = Input(plan: .join(join), scope: Scope(columns: outerColumns + hidden), window: nil)

        let value = try binder.bind(item.expr)
        let matched = BoundExpr.call(.isNotNull, [.column(width + innerWidth, .boolean)], .boolean)
        return .call(.caseWhen, [matched, value, .literal(.null, value.type)], value.type)
    }
}
