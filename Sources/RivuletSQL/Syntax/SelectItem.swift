public import RivuletCore

/// One entry of a select list.
public enum SelectItem: Hashable, Sendable {
    /// `*` or `t.*`
    case wildcard(Wildcard)
    /// `expr [[AS] alias]`
    case expression(SelectExpression)

    public var span: SourceSpan {
        switch self {
        case .wildcard(let w): return w.span
        case .expression(let e): return e.span
        }
    }
}

/// `*` (no qualifier) or `t.*`.
public struct Wildcard: Hashable, Sendable {
    public var qualifier: ObjectName?
    /// ksqlDB's `expr->*`: each field of a STRUCT value, a column named after it.
    public var fieldsOf: Expr?
    @IgnoredSpan public var span: SourceSpan

    public init(qualifier: ObjectName? = nil, fieldsOf: Expr? = nil, span: SourceSpan = .unknown) {
        self.qualifier = qualifier
        self.fieldsOf = fieldsOf
        self.span = span
    }
}

/// `expr [[AS] alias]`
public struct SelectExpression: Hashable, Sendable {
    public var expr: Expr
    public var alias: Identifier?
    @IgnoredSpan public var span: SourceSpan

    public init(expr: Expr, alias: Identifier? = nil, span: SourceSpan = .unknown) {
        self.expr = expr
        self.alias = alias
        self.span = span
    }
}
