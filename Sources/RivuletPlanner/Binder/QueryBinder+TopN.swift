public import RivuletCore
import RivuletSQL

extension QueryBinder {
    /// `SELECT ... FROM (SELECT ..., ROW_NUMBER() OVER (PARTITION BY p ORDER BY o) AS rn FROM ...) [alias]
    /// WHERE rn <= N [AND ...]`: the derived table becomes a `TopN` node, and the input of the
    /// outer SELECT is its output (the inner columns, plus `rn` when the outer query reads it).
    /// Without `rn <= N` the TopN ranks every row of each partition.
    /// Returns nil when the query has no such shape; the remaining WHERE conjuncts come back.
    func bindTopNInput(_ select: Select) throws(SQLError) -> (Input, Expr?)? {
        guard select.from.count == 1, case .derived(let derived) = select.from[0],
              case .select(let inner) = derived.query.body,
              let rankIndex = inner.items.firstIndex(where: { Self.rowNumberCall($0) != nil }),
              case .expression(let rankItem) = inner.items[rankIndex], let call = Self.rowNumberCall(inner.items[rankIndex]),
              let over = call.over
        else { return nil }
        let rankName = rankItem.alias?.value ?? "EXPR$\(rankIndex)"
        // WHERE rn <= N (or rn < N, rn = 1, N >= rn).
        var rankLimit: Int?
        var rest: [Expr] = []
        for conjunct in Self.conjuncts(of: select.whereClause) {
            if rankLimit == nil, let n = Self.rankLimit(conjunct, rankName: rankName) {
                rankLimit = n
            } else {
                rest.append(conjunct)
            }
        }
        // Without `rn <= N` every row is ranked (N unbounded): a changelog of the ranks.
        let limit = rankLimit ?? Int(Int32.max)
        guard limit >= 1 else {
            throw SQLError(.invalidParameterValue, "the Top-N limit must be at least 1", at: select.whereClause?.span)
        }
        guard !over.orderBy.isEmpty else {
            throw SQLError.unsupported("ROW_NUMBER() needs ORDER BY in its OVER clause", at: over.span)
        }
        // The inner select without the rank, plus its partition and order expressions as
        // hidden trailing columns.
        var body = inner
        body.items.remove(at: rankIndex)
        let visible = try bindSelect(body, emit: derived.query.emit).0.schema.count
        // Where the rank goes among the output columns: after everything the items before it
        // produce (a `*` before it stands for all of its columns).
        var rankPosition = rankIndex
        if inner.items[..<rankIndex].contains(where: { if case .wildcard = $0 { return true } else { return false } }) {
            var prefix = body
            prefix.items = Array(inner.items[..<rankIndex])
            rankPosition = try bindSelect(prefix, emit: derived.query.emit).0.schema.count
        }
        let extras = over.partitionBy + over.orderBy.map(\.expr)
        for expr in extras { body.items.append(.expression(SelectExpression(expr: expr, span: expr.span))) }
        var (plan, _) = try bindSelect(body, emit: derived.query.emit)
        // A hidden column that repeats a visible one is read from the visible one.
        var columns = Array(visible..<(visible + extras.count))
        if case .project(let project) = plan {
            for (i, column) in columns.enumerated() {
                if let same = project.expressions[..<visible].firstIndex(of: project.expressions[column]) { columns[i] = same }
            }
        }
        let partition = Array(columns[..<over.partitionBy.count])
        let sort = zip(over.orderBy, columns[over.partitionBy.count...]).map { item, column in
            StreamPlan.TopN.SortKey(column: column, ascending: item.ascending ?? true)
        }
        var windowEnd: Int?
        if let window = plan.windowColumns, partition.contains(window.start), partition.contains(window.end), plan.appendOnly {
            windowEnd = window.end
        }
        let emitsRank = Self.reads(select, column: rankName)
        var topN = StreamPlan.topN(.init(
            input: plan, partitionKeys: partition, sortKeys: sort, limit: limit, emitsRank: emitsRank, rankName: rankName,
            windowEnd: windowEnd))
        // Drop the hidden columns; the rank goes where ROW_NUMBER() was written.
        let schema = topN.schema
        var keep = Array(0..<visible)
        if emitsRank { keep.insert(schema.count - 1, at: min(rankPosition, keep.count)) }
        let timeColumn = plan.eventTimeColumn.flatMap { keep.firstIndex(of: $0) }
        topN = .project(.init(
            input: topN, expressions: keep.map { .column($0, schema[$0].type) }, schema: Schema(keep.map { schema[$0] }),
            timeColumn: topN.eventTimeColumn == nil ? nil : timeColumn))
        plan = topN
        let scope = Scope(of: plan, qualifier: derived.alias?.value)
        let remaining = rest.isEmpty ? nil : rest.dropFirst().reduce(rest[0]) { acc, next in
            Expr.binary(BinaryExpression(left: acc, op: .and, right: next, span: next.span))
        }
        return (Input(plan: plan, scope: scope, window: nil), remaining)
    }

    private static func rowNumberCall(_ item: SelectItem) -> FunctionCall? {
        guard case .expression(let selected) = item, case .function(let call) = selected.expr,
              ["ROW_NUMBER", "RANK", "DENSE_RANK"].contains(call.upperName), call.over != nil
        else { return nil }
        return call
    }

    private static func conjuncts(of expr: Expr?) -> [Expr] {
        guard let expr else { return [] }
        if case .binary(let binary) = expr, binary.op == .and { return conjuncts(of: binary.left) + conjuncts(of: binary.right) }
        return [expr]
    }

    /// N of `rn <= N`, `rn < N + 1`, `rn = 1`, or the same written the other way round.
    private static func rankLimit(_ expr: Expr, rankName: String) -> Int? {
        guard case .binary(let binary) = expr else { return nil }
        func isRank(_ e: Expr) -> Bool {
            if case .column(let reference) = e { return reference.name.value.lowercased() == rankName.lowercased() }
            return false
        }
        func number(_ e: Expr) -> Int? {
            if case .literal(let literal) = e, case .number(let text) = literal.value { return Int(text) }
            return nil
        }
        if isRank(binary.left), let n = number(binary.right) {
            switch binary.op {
            case .lessOrEqual: return n
            case .less: return n - 1
            case .equal where n == 1: return 1
            default: return nil
            }
        }
        if isRank(binary.right), let n = number(binary.left) {
            switch binary.op {
            case .greaterOrEqual: return n
            case .greater: return n - 1
            case .equal where n == 1: return 1
            default: return nil
            }
        }
        return nil
    }

    /// Whether the outer query reads `column` (by name, or through `*`).
    private static func reads(_ select: Select, column: String) -> Bool {
        let name = column.lowercased()
        func visit(_ expr: Expr) -> Bool {
            if case .column(let reference) = expr { return reference.name.value.lowercased() == name }
            return expr.children.contains(where: visit)
        }
        for item in select.items {
            switch item {
            case .wildcard: return true
            case .expression(let selected): if visit(selected.expr) { return true }
            }
        }
        return select.groupBy.contains(where: visit) || select.having.map(visit) ?? false
            || conjuncts(of: select.whereClause).contains { visit($0) && rankLimit($0, rankName: column) == nil }
    }
}
