import RivuletCore

/// An error as the API reports it: SQLSTATE, message, hint, and where in the submitted text it
/// is (1-based line and column, columns in characters), when it has a place.
struct ErrorDocument: Encodable, Sendable, Error {
    var code: String
    var message: String
    var hint: String?
    var line: Int?
    var column: Int?
    var endLine: Int?
    var endColumn: Int?

    init(code: String, message: String, hint: String? = nil) {
        self.code = code
        self.message = message
        self.hint = hint
    }

    init(_ error: SQLError) {
        self.init(code: error.state.code, message: error.message, hint: error.hint)
        if let span = error.span, span.start.line > 0 {
            line = span.start.line
            column = span.start.column
            endLine = span.end.line
            endColumn = span.end.column
        }
    }
}
