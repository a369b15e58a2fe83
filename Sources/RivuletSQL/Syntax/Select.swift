public import RivuletCore

/// `SELECT [DISTINCT] items [FROM from] [WINDOW ksql_window] [WHERE cond] [GROUP BY exprs] [HAVING cond]
/// [WINDOW name AS (spec), ...] [PARTITION BY exprs]`
///
/// ksqlDB puts `WINDOW` right after `FROM`; it is also accepted after `WHERE`/`GROUP BY` and
/// printed after `FROM`.
public struct Select: Hashable, Sendable {
    public var distinct: Bool
    public var items: [SelectItem]
    /// The comma-separated `FROM` list; each entry may be a join tree. Empty without `FROM`.
    public var from: [TableReference]
    /// ksqlDB `WINDOW TUMBLING|HOPPING|SESSION (...)`.
    public var window: KsqlWindow?
    public var whereClause: Expr?
    public var groupBy: [Expr]
    /// `GROUPING SETS`, `ROLLUP` and `CUBE` elements of GROUP BY, after its plain keys (which
    /// belong to every set).
    public var groupingSets: [GroupingSets] = []
    public var having: Expr?
    /// Flink's `WINDOW w AS (...), ...`: OVER windows the select list names (`OVER w`).
    public var namedWindows: [NamedWindow] = []
    /// ksqlDB `PARTITION BY` (re-keys the output stream).
    public var partitionBy: [Expr]
    @IgnoredSpan public var span: SourceSpan

    public init(
        distinct: Bool = false, items: [SelectItem], from: [TableReference] = [], window: KsqlWindow? = nil,
        whereClause: Expr? = nil, groupBy: [Expr] = [], having: Expr? = nil, partitionBy: [Expr] = [],
        span: SourceSpan = .unknown
    ) {
        self.distinct = distinct
        self.items = items
        self.from = from
        self.window = window
        self.whereClause = whereClause
        self.groupBy = groupBy
        self.having = having
        self.partitionBy = partitionBy
        self.span = span
    }
}
