public import RivuletCore

/// `UNNEST(array) [[AS] alias]` in `FROM`: one row per element of a constant array (Postgres'
/// text form, `'{a,b}'`, or what a function such as `current_schemas(true)` returns), in a
/// column named after the alias (else `unnest`).
public struct UnnestTable: Hashable, Sendable {
    public var argument: Expr
    public var alias: Identifier?
    @IgnoredSpan public var span: SourceSpan

    public init(argument: Expr, alias: Identifier? = nil, span: SourceSpan = .unknown) {
        self.argument = argument
        self.alias = alias
        self.span = span
    }
}
