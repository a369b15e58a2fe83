public import RivuletCore

/// The body of a query: a `SELECT`, `VALUES`, a set operation, or a parenthesized query.
public indirect enum SetExpr: Hashable, Sendable {
    case select(Select)
    /// `VALUES (a, b), (c, d)`
    case values(Values)
    /// `left UNION [ALL] right`, `INTERSECT`, `EXCEPT`
    case setOperation(SetOperation)
    /// `(query)` with its own `WITH`/`ORDER BY`/`LIMIT`.
    case query(Query)

    public var span: SourceSpan {
        switch self {
        case .select(let s): return s.span
        case .values(let v): return v.span
        case .setOperation(let s): return s.span
        case .query(let q): return q.span
        }
    }
}

/// `left UNION|INTERSECT|EXCEPT [ALL] right`
public struct SetOperation: Hashable, Sendable {
    public enum Operator: String, Hashable, Sendable {
        case union = "UNION"
        case intersect = "INTERSECT"
        case except = "EXCEPT"
    }

    public var left: SetExpr
    public var op: Operator
    public var all: Bool
    public var right: SetExpr
    @IgnoredSpan public var span: SourceSpan

    public init(left: SetExpr, op: Operator, all: Bool, right: SetExpr, span: SourceSpan = .unknown) {
        self.left = left
        self.op = op
        self.all = all
        self.right = right
        self.span = span
    }
}
