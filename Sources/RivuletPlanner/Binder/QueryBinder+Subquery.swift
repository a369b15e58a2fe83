public import RivuletCore
import RivuletSQL

extension QueryBinder {
    /// A WHERE conjunct that is a subquery predicate: `[NOT] EXISTS (q)` or `expr [NOT] IN (q)`.
    struct SubqueryPredicate {
        /// The IN operand (none for EXISTS).
        var operand: Expr?
        var query: Query
        var negated: Bool
        var span: SourceSpan
    }

    /// `select` without its WHERE conjuncts that are subquery predicates, and those predicates.
    static func splitSubqueryPredicates(_ select: Select) -> (Select, [SubqueryPredicate]) {
        var predicates: [SubqueryPredicate] = []
        var rest: [Expr] = []
        for conjunct in whereConjuncts(select.whereClause) {
            if let predicate = subqueryPredicate(conjunct) {
                predicates.append(predicate)
            } else {
                rest.append(conjunct)
            }
        }
        guard !predicates.isEmpty else { return (select, []) }
        var plain = select
        plain.whereClause = rest.dropFirst().reduce(rest.first) { conjunction, next in
            .binary(BinaryExpression(left: conjunction!, op: .and, right: next, span: next.span))
        }
        return (plain, predicates)
    }

    static func whereConjuncts(_ expr: Expr?) -> [Expr] {
        guard let expr else { return [] }
        if case .binary(let binary) = expr, binary.op == .and { return whereConjuncts(binary.left) + whereConjuncts(binary.right) }
        return [expr]
    }

    private static func subqueryPredicate(_ expr: Expr) -> SubqueryPredicate? {
        switch expr {
        case .exists(let exists):
            return SubqueryPredicate(operand: nil, query: exists.query, negated: exists.negated, span: exists.span)
        case .inSubquery(let node):
            return SubqueryPredicate(operand: node.expr, query: node.query, negated: node.negated, span: node.span)
        case .unary(let unary) where unary.op == .not:
            guard var inner = subqueryPredicate(unary.operand) else { return nil }
            inner.negated.toggle()
            inner.span = unary.span
            return inner
        default:
            return nil
        }
    }

    /// `input` joined with a subquery predicate, as Flink plans it: `IN` and `EXISTS` as a semi
    /// join, `NOT IN` and `NOT EXISTS` as an anti join (NOT IN's NULL rule included), on the IN
    /// operand and the subquery's correlations `inner = outer` (WHERE conjuncts of the subquery
    /// that read the outer query's columns, which must be equalities). The columns stay the input's.
    func bindSubqueryPredicate(_ predicate: SubqueryPredicate, input: Input) throws(SQLError) -> Input {
        var query = predicate.query
        var correlations: [(inner: Expr, outer: Expr)] = []
        // Correlations are looked for in a subquery over one FROM item (`FROM a, b` makes its WHERE
        // the join's condition).
        if case .select(var inner) = query.body, inner.from.count == 1 {
            let (innerInput, innerWhere) = try bindJoinedFrom(inner)
            let innerBinder = scalarBinder(for: innerInput.scope, clause: "WHERE")
            let outerBinder = scalarBinder(for: input.scope, clause: "WHERE")
            var kept: [Expr] = []
            for conjunct in Self.whereConjuncts(innerWhere) {
                if (try? innerBinder.bind(conjunct)) != nil {
                    kept.append(conjunct)
                    continue
                }
                guard case .binary(let equality) = conjunct, equality.op == .equal else {
                    throw SQLError.unsupported("a subquery's condition on the outer query's columns must be an equality", at: conjunct.span)
                }
                if (try? innerBinder.bind(equality.left)) != nil, (try? outerBinder.bind(equality.right)) != nil {
                    correlations.append((equality.left, equality.right))
                } else if (try? innerBinder.bind(equality.right)) != nil, (try? outerBinder.bind(equality.left)) != nil {
                    correlations.append((equality.right, equality.left))
                } else {
                    _ = try innerBinder.bind(conjunct)  // reports the unknown column
                }
            }
            if !correlations.isEmpty {
                inner.whereClause = kept.dropFirst().reduce(kept.first) { conjunction, next in
                    .binary(BinaryExpression(left: conjunction!, op: .and, right: next, span: next.span))
                }
                // EXISTS reads no column of the subquery; IN its one column. The correlated inner
                // expressions follow as the other join keys.
                var items = predicate.operand == nil ? [] : Array(inner.items.prefix(1))
                items += correlations.enumerated().map { index, pair in
                    .expression(SelectExpression(expr: pair.inner, alias: Identifier("$corr\(index)"), span: pair.inner.span))
                }
                if items.isEmpty { items = [.expression(SelectExpression(expr: .literal(Literal(.boolean(true))), alias: nil))] }
                inner.items = items
                query.body = .select(inner)
            }
        }
        if !correlations.isEmpty, !query.orderBy.isEmpty || query.limit != nil {
            throw SQLError.unsupported("a correlated subquery cannot have ORDER BY or LIMIT", at: predicate.span)
        }
        let bound = try bindQuery(query)
        var right = bound.plan
        var outerExprs: [Expr] = []
        var rightKeys: [Int] = []
        if let operand = predicate.operand {
            let width = right.schema.count - correlations.count
            guard width == 1 else {
                throw SQLError(.syntaxError, "the subquery of IN must select one column, found \(width)", at: predicate.query.span)
            }
            outerExprs.append(operand)
            rightKeys.append(0)
        }
        outerExprs += correlations.map(\.outer)
        rightKeys += correlations.indices.map { right.schema.count - correlations.count + $0 }

        // Keys of both sides at common types, the left's computed in a projection kept below the join.
        let outerBinder = scalarBinder(for: input.scope, clause: "WHERE")
        let width = input.plan.schema.count
        var leftExpressions = input.plan.schema.fields.enumerated().map { BoundExpr.column($0.offset, $0.element.type) }
        var leftFields = input.plan.schema.fields
        var rightExpressions: [BoundExpr] = []
        var leftKeys: [Int] = []
        for (expr, rightKey) in zip(outerExprs, rightKeys) {
            var outer = try outerBinder.bind(expr)
            var inner = BoundExpr.column(rightKey, right.schema[rightKey].type)
            guard let type = TypeCoercion.commonType(outer.type, inner.type) else {
                throw SQLError(.datatypeMismatch, "cannot compare \(outer.type) with the subquery's \(inner.type)", at: expr.span)
            }
            if outer.type != type { outer = .cast(outer, to: type) }
            if inner.type != type { inner = .cast(inner, to: type) }
            if case .column(let index, _) = outer {
                leftKeys.append(index)
            } else {
                leftKeys.append(leftExpressions.count)
                leftExpressions.append(outer)
                leftFields.append(Field("$key\(leftKeys.count)", type == .null ? .varchar : type))
            }
            rightExpressions.append(inner)
        }
        var left = input.plan
        if leftExpressions.count > width {
            left = .project(.init(input: left, expressions: leftExpressions, schema: Schema(leftFields), timeColumn: left.eventTimeColumn))
        }
        right = .project(.init(
            input: right, expressions: rightExpressions,
            schema: Schema(rightExpressions.enumerated().map { Field("$key\($0.offset)", $0.element.type == .null ? .varchar : $0.element.type) })))
        var join = StreamPlan.SemiJoin(
            left: left, right: right, leftKeys: leftKeys, rightKeys: Array(rightExpressions.indices), anti: predicate.negated,
            nulls: predicate.negated && predicate.operand != nil ? .notIn : .neverMatch)
        // Two windowed inputs joined on both their window bounds: a window semi or anti join.
        if let leftWindow = input.plan.windowColumns, let rightWindow = bound.plan.windowColumns,
           input.plan.appendOnly, bound.plan.appendOnly
        {
            let pairs = zip(leftKeys, rightKeys).enumerated()
            let start = pairs.first { $0.element.0 == leftWindow.start && $0.element.1 == rightWindow.start }
            let end = pairs.first { $0.element.0 == leftWindow.end && $0.element.1 == rightWindow.end }
            if start != nil, let end { join.windowEnd = (left: leftWindow.end, right: end.offset) }
        }
        var plan = StreamPlan.semiJoin(join)
        if leftExpressions.count > width {
            plan = .project(.init(
                input: plan, expressions: Array(leftExpressions[..<width]), schema: input.plan.schema, timeColumn: nil))
        }
        var output = input
        output.plan = plan
        // A regular semi or anti join does not keep event time (as Flink's regular joins).
        for i in output.scope.columns.indices { output.scope.columns[i].isEventTime = false }
        return output
    }
}
