public import RivuletCore

/// A constructor of a nested value, in either dialect's spelling.
public struct NestedConstructor: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        /// `ARRAY[a, b, ...]` (both dialects)
        case array
        /// Flink's `MAP[k1, v1, k2, v2, ...]`: keys and values alternate in `items`.
        case map
        /// ksqlDB's `MAP(k1 := v1, ...)`: keys and values alternate in `items`.
        case assignedMap
        /// Flink's `ROW(a, b, ...)`: fields named `EXPR$0`, `EXPR$1`, ... unless cast or aliased.
        case row
        /// ksqlDB's `STRUCT(name := a, ...)`: `names` holds the field names.
        case `struct`
    }

    public var kind: Kind
    public var items: [Expr]
    /// The field names of a `STRUCT(...)`; empty otherwise.
    public var names: [Identifier]
    @IgnoredSpan public var span: SourceSpan

    public init(kind: Kind, items: [Expr], names: [Identifier] = [], span: SourceSpan = .unknown) {
        self.kind = kind
        self.items = items
        self.names = names
        self.span = span
    }
}

/// `a[i]` (1-based) on an ARRAY, `m[key]` on a MAP.
public struct Subscript: Hashable, Sendable {
    public var base: Expr
    public var index: Expr
    @IgnoredSpan public var span: SourceSpan

    public init(base: Expr, index: Expr, span: SourceSpan = .unknown) {
        self.base = base
        self.index = index
        self.span = span
    }
}

/// A ROW / STRUCT field of an expression that is not a plain column name: ksqlDB's `s->name`,
/// or `(expr).name`, `a[1].name`. (`r.name` on a column parses as a column reference, which the
/// binder resolves to the field.)
public struct FieldAccess: Hashable, Sendable {
    public var base: Expr
    public var field: Identifier
    /// Written with ksqlDB's `->` rather than `.`.
    public var arrow: Bool
    @IgnoredSpan public var span: SourceSpan

    public init(base: Expr, field: Identifier, arrow: Bool, span: SourceSpan = .unknown) {
        self.base = base
        self.field = field
        self.arrow = arrow
        self.span = span
    }
}
