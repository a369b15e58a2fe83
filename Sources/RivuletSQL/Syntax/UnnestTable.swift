public import RivuletCore

/// `UNNEST(array) [WITH ORDINALITY] [[AS] alias [(column, ...)]]` in `FROM`: one row per
/// element of an array. Joined to the table before it (`t CROSS JOIN UNNEST(t.tags)`), it
/// expands that table's ARRAY or MAP column row by row; alone, it reads a constant array
/// (Postgres' text form, `'{a,b}'`, or what a function such as `current_schemas(true)` returns)
/// into a column named after the alias (else `unnest`).
///
/// A set-returning function called in `FROM` (`generate_series(1, 3) AS s`) is one too: its
/// `argument` is the call and `isFunction` is set; its one column is named after the alias.
public struct UnnestTable: Hashable, Sendable {
    public var argument: Expr
    /// The argument is a set-returning function's call, not an array.
    public var isFunction = false
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

    /// The function's name, lower-cased, for a set-returning function in FROM; else `unnest`.
    public var functionName: String {
        guard isFunction, case .function(let call) = argument else { return "unnest" }
        return call.name.name.value.lowercased()
    }
}
