public import RivuletCore

/// `INSERT INTO target [(a, b)] VALUES (1, 'x'), (2, 'y')`
public struct InsertValues: Hashable, Sendable {
    public var target: ObjectName
    /// Empty when the statement names no columns.
    public var columns: [Identifier]
    /// One array per row; each row has at least one expression.
    public var rows: [[Expr]]
    @IgnoredSpan public var span: SourceSpan

    public init(target: ObjectName, columns: [Identifier] = [], rows: [[Expr]], span: SourceSpan = .unknown) {
        self.target = target
        self.columns = columns
        self.rows = rows
        self.span = span
    }
}
