public import RivuletCore

/// A statement of a script together with where it was written.
public struct ParsedStatement: Hashable, Sendable {
    public var statement: Statement
    /// From the statement's first token to its last, without the trailing `;`.
    public var span: SourceSpan
    /// The statement's own source text (the characters of `span`).
    public var text: String

    public init(statement: Statement, span: SourceSpan, text: String) {
        self.statement = statement
        self.span = span
        self.text = text
    }
}
