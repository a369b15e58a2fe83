public import RivuletCore

/// `VALUES (1, 'a'), (2, 'b')`: a query of constant rows, as a statement, a `FROM` item or a
/// side of a set operation. A row of one value may be written without parentheses (`VALUES 1, 2`).
public struct Values: Hashable, Sendable {
    /// One array per row, each with at least one expression; the binder checks they agree in length.
    public var rows: [[Expr]]
    @IgnoredSpan public var span: SourceSpan

    public init(rows: [[Expr]], span: SourceSpan = .unknown) {
        self.rows = rows
        self.span = span
    }
}
