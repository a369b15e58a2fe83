/// An error a user can act on: what went wrong, where in their SQL, and how to fix it.
///
/// Plan and syntax errors reject a statement with no effect; `internalError` means a bug.
public struct SQLError: Error, Sendable, Equatable, CustomStringConvertible {
    public var state: SQLState
    /// One terse line, without position or caret (renderers add those).
    public var message: String
    public var span: SourceSpan?
    public var hint: String?
    public var notes: [String]

    public init(_ state: SQLState, _ message: String, at span: SourceSpan? = nil, hint: String? = nil, notes: [String] = []) {
        self.state = state
        self.message = message
        self.span = span
        self.hint = hint
        self.notes = notes
    }

    public static func syntax(_ message: String, at span: SourceSpan?, hint: String? = nil) -> SQLError {
        SQLError(.syntaxError, message, at: span, hint: hint)
    }

    /// `expected X, found Y` in the one wording every parse error uses.
    public static func expected(_ what: String, found: String, at span: SourceSpan?) -> SQLError {
        SQLError(.syntaxError, "expected \(what), found \(found)", at: span)
    }

    public static func unsupported(_ message: String, at span: SourceSpan? = nil) -> SQLError {
        SQLError(.featureNotSupported, message, at: span)
    }

    public static func `internal`(_ message: String) -> SQLError {
        SQLError(.internalError, message)
    }

    /// `ERROR 42601: message (line 1, column 10)` without the source excerpt.
    public var description: String {
        var text = "ERROR \(state.code): \(message)"
        if let span { text += " (\(span.start))" }
        return text
    }
}
