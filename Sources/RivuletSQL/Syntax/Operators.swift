public import RivuletCore

/// `NOT x`, `-x`, `+x`
public struct UnaryExpression: Hashable, Sendable {
    public var op: UnaryOperator
    public var operand: Expr
    @IgnoredSpan public var span: SourceSpan

    public init(op: UnaryOperator, operand: Expr, span: SourceSpan = .unknown) {
        self.op = op
        self.operand = operand
        self.span = span
    }
}

public enum UnaryOperator: String, Hashable, Sendable {
    case not = "NOT"
    case minus = "-"
    case plus = "+"
}

/// `left op right`
public struct BinaryExpression: Hashable, Sendable {
    public var left: Expr
    public var op: BinaryOperator
    public var right: Expr
    @IgnoredSpan public var span: SourceSpan

    public init(left: Expr, op: BinaryOperator, right: Expr, span: SourceSpan = .unknown) {
        self.left = left
        self.op = op
        self.right = right
        self.span = span
    }
}

/// Binary operators; the raw value is the canonical spelling (`!=` prints as `<>`).
public enum BinaryOperator: String, Hashable, Sendable, CaseIterable {
    case or = "OR"
    case and = "AND"
    case equal = "="
    case notEqual = "<>"
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
    case plus = "+"
    case minus = "-"
    case multiply = "*"
    case divide = "/"
    case modulo = "%"
    case concat = "||"
    /// NULL-safe comparisons: NULL is not distinct from NULL, and distinct from any value.
    case isDistinctFrom = "IS DISTINCT FROM"
    case isNotDistinctFrom = "IS NOT DISTINCT FROM"

    /// Binding power: OR < AND < (NOT) < comparison < `||` `+` `-` < `*` `/` `%` < unary.
    public var precedence: Int {
        switch self {
        case .or: return Precedence.or
        case .and: return Precedence.and
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual, .isDistinctFrom, .isNotDistinctFrom:
            return Precedence.comparison
        case .plus, .minus, .concat: return Precedence.additive
        case .multiply, .divide, .modulo: return Precedence.multiplicative
        }
    }
}

/// The binding powers the parser and the printer share.
public enum Precedence {
    public static let lowest = 0
    public static let or = 1
    public static let and = 2
    public static let not = 3
    /// Comparisons and `IS`, `LIKE`, `IN`, `BETWEEN`.
    public static let comparison = 4
    public static let additive = 5
    public static let multiplicative = 6
    public static let unary = 7
    public static let primary = 8
}
