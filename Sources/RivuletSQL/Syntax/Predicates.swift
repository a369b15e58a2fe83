public import RivuletCore

/// `expr IS [NOT] NULL`
public struct IsNull: Hashable, Sendable {
    public var expr: Expr
    public var negated: Bool
    @IgnoredSpan public var span: SourceSpan

    public init(expr: Expr, negated: Bool, span: SourceSpan = .unknown) {
        self.expr = expr
        self.negated = negated
        self.span = span
    }
}

/// `expr IS [NOT] JSON [VALUE|OBJECT|ARRAY|SCALAR]`: whether text is JSON (of a kind).
public struct IsJSON: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable {
        case value = "VALUE"
        case object = "OBJECT"
        case array = "ARRAY"
        case scalar = "SCALAR"
    }

    public var expr: Expr
    public var negated: Bool
    /// nil when no kind was written (any JSON value).
    public var kind: Kind?
    @IgnoredSpan public var span: SourceSpan

    public init(expr: Expr, negated: Bool, kind: Kind? = nil, span: SourceSpan = .unknown) {
        self.expr = expr
        self.negated = negated
        self.kind = kind
        self.span = span
    }
}

/// `expr [NOT] LIKE pattern [ESCAPE escape]`
public struct Like: Hashable, Sendable {
    public var expr: Expr
    public var negated: Bool
    public var pattern: Expr
    public var escape: Expr?
    @IgnoredSpan public var span: SourceSpan

    public init(expr: Expr, negated: Bool, pattern: Expr, escape: Expr? = nil, span: SourceSpan = .unknown) {
        self.expr = expr
        self.negated = negated
        self.pattern = pattern
        self.escape = escape
        self.span = span
    }
}

/// `expr [NOT] IN (a, b, ...)`
public struct InList: Hashable, Sendable {
    public var expr: Expr
    public var negated: Bool
    /// At least one element.
    public var list: [Expr]
    @IgnoredSpan public var span: SourceSpan

    public init(expr: Expr, negated: Bool, list: [Expr], span: SourceSpan = .unknown) {
        self.expr = expr
        self.negated = negated
        self.list = list
        self.span = span
    }
}

/// `expr [NOT] IN (query)`
public struct InSubquery: Hashable, Sendable {
    public var expr: Expr
    public var negated: Bool
    public var query: Query
    @IgnoredSpan public var span: SourceSpan

    public init(expr: Expr, negated: Bool, query: Query, span: SourceSpan = .unknown) {
        self.expr = expr
        self.negated = negated
        self.query = query
        self.span = span
    }
}

/// `expr [NOT] BETWEEN low AND high`
public struct Between: Hashable, Sendable {
    public var expr: Expr
    public var negated: Bool
    public var low: Expr
    public var high: Expr
    @IgnoredSpan public var span: SourceSpan

    public init(expr: Expr, negated: Bool, low: Expr, high: Expr, span: SourceSpan = .unknown) {
        self.expr = expr
        self.negated = negated
        self.low = low
        self.high = high
        self.span = span
    }
}

/// `(query)` used as a value, or `ARRAY(query)`: the array of the values of all its rows.
public struct ScalarSubquery: Hashable, Sendable {
    public var query: Query
    /// `ARRAY(query)`: any number of rows, collected into an array (empty when there are none).
    public var collectsArray: Bool
    @IgnoredSpan public var span: SourceSpan

    public init(query: Query, collectsArray: Bool = false, span: SourceSpan = .unknown) {
        self.query = query
        self.collectsArray = collectsArray
        self.span = span
    }
}

/// `[NOT] EXISTS (query)`
public struct Exists: Hashable, Sendable {
    public var query: Query
    public var negated: Bool
    @IgnoredSpan public var span: SourceSpan

    public init(query: Query, negated: Bool = false, span: SourceSpan = .unknown) {
        self.query = query
        self.negated = negated
        self.span = span
    }
}
