public import RivuletCore

/// `[WITH cte AS (...), ...] body [ORDER BY ...] [EMIT CHANGES|FINAL] [LIMIT n]`
///
/// ksqlDB writes `EMIT` before `LIMIT`, Flink has no `EMIT`; both orders are accepted and the
/// canonical form prints `EMIT` first.
public struct Query: Hashable, Sendable {
    public var with: [CommonTableExpression]
    public var body: SetExpr
    public var orderBy: [OrderByItem]
    public var limit: Expr?
    public var emit: EmitMode?
    @IgnoredSpan public var span: SourceSpan

    public init(
        with: [CommonTableExpression] = [], body: SetExpr, orderBy: [OrderByItem] = [], limit: Expr? = nil,
        emit: EmitMode? = nil, span: SourceSpan = .unknown
    ) {
        self.with = with
        self.body = body
        self.orderBy = orderBy
        self.limit = limit
        self.emit = emit
        self.span = span
    }
}

/// `EMIT CHANGES` (push every update) or `EMIT FINAL` (one final row per window).
public enum EmitMode: Hashable, Sendable {
    case changes
    case final
}

/// `name [(a, b)] AS (query)` in a `WITH` clause.
public struct CommonTableExpression: Hashable, Sendable {
    public var name: Identifier
    public var columns: [Identifier]
    public var query: Query
    @IgnoredSpan public var span: SourceSpan

    public init(name: Identifier, columns: [Identifier] = [], query: Query, span: SourceSpan = .unknown) {
        self.name = name
        self.columns = columns
        self.query = query
        self.span = span
    }
}

/// `expr [ASC|DESC] [NULLS FIRST|LAST]`
public struct OrderByItem: Hashable, Sendable {
    public var expr: Expr
    /// `nil` when neither `ASC` nor `DESC` was written (ascending).
    public var ascending: Bool?
    /// `nil` when `NULLS FIRST|LAST` was not written.
    public var nullsFirst: Bool?
    @IgnoredSpan public var span: SourceSpan

    public init(expr: Expr, ascending: Bool? = nil, nullsFirst: Bool? = nil, span: SourceSpan = .unknown) {
        self.expr = expr
        self.ascending = ascending
        self.nullsFirst = nullsFirst
        self.span = span
    }
}

extension Query {
    /// This query with its columns named `columns`, as a view's or `WITH` query's column list
    /// names them: `SELECT * FROM (query) AS name (a, b)`. Unchanged when `columns` is empty.
    public func naming(_ columns: [Identifier], as name: Identifier) -> Query {
        guard !columns.isEmpty else { return self }
        let derived = DerivedTable(query: self, alias: name, columns: columns, span: span)
        let select = Select(items: [.wildcard(Wildcard(span: span))], from: [.derived(derived)], span: span)
        return Query(body: .select(select), span: span)
    }
}
