public import RivuletCore

/// `CASE [operand] WHEN condition THEN result ... [ELSE result] END`
public struct CaseExpression: Hashable, Sendable {
    /// The simple form's `CASE x WHEN 1 THEN ...` operand.
    public var operand: Expr?
    /// At least one branch.
    public var branches: [WhenClause]
    public var elseResult: Expr?
    @IgnoredSpan public var span: SourceSpan

    public init(operand: Expr? = nil, branches: [WhenClause], elseResult: Expr? = nil, span: SourceSpan = .unknown) {
        self.operand = operand
        self.branches = branches
        self.elseResult = elseResult
        self.span = span
    }
}

/// `WHEN condition THEN result`
public struct WhenClause: Hashable, Sendable {
    public var condition: Expr
    public var result: Expr

    public init(condition: Expr, result: Expr) {
        self.condition = condition
        self.result = result
    }
}
