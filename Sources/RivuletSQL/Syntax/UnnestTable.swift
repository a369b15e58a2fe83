public import RivuletCore

/// `UNNEST(array) [WITH ORDINALITY] [[AS] alias [(column, ...)]]` in `FROM`: one row per
/// element of an array. Joined to the table before it (`t CROSS JOIN UNNEST(t.tags)`), it
/// expands that table's ARRAY or MAP column row by row; alone, it reads a constant array
/// (Postgres' text form, `'{a,b}'`, or what a function such as `current_schemas(true)` returns)
/// into a column named after the alias (else `unnest`).
public struct UnnestTable: Hashable, Sendable {
    public var argument: Expr
    /// A last column numbering the elements from 1.
    public var withOrdinality: Bool
    public var alias: Identifier?
    /// Names of the element columns (and then of the ordinal).
    public var columnAliases: [Identifier]
    @IgnoredSpan public var span: SourceSpan

    public init(
        argument: Expr, withOrdinality: Bool = false, alias: Identifier? = nil, columnAliases: [Identifier] = [],
        span: SourceSpan = .unknown
    ) {
        self.argument = argument
        self.withOrdinality = withOrdinality
        self.alias = alias
        self.columnAliases = columnAliases
        self.span = span
    }
}
