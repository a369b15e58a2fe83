public import RivuletCore

/// An error the server sent for a statement: its SQLSTATE, message, hint and the 1-based
/// character position in the statement (pgwire's `P` field).
public struct ServerError: Error, Hashable, Sendable {
    public var sqlState: String
    public var message: String
    public var hint: String?
    public var detail: String?
    /// 1-based character offset into the statement text, when the server sent one.
    public var position: Int?

    public init(sqlState: String, message: String, hint: String? = nil, detail: String? = nil, position: Int? = nil) {
        self.sqlState = sqlState
        self.message = message
        self.hint = hint
        self.detail = detail
        self.position = position
    }

    /// The error as an `SQLError` whose span points into `statement` (shifted to where the
    /// statement starts in its script), underlining the word at the position.
    public func sqlError(in statement: StatementAccumulator.Statement) -> SQLError {
        var notes: [String] = []
        if let detail { notes.append(detail) }
        return SQLError(SQLState(sqlState), message, at: span(in: statement), hint: hint, notes: notes)
    }

    func span(in statement: StatementAccumulator.Statement) -> SourceSpan? {
        guard let position, position >= 1 else { return nil }
        let characters = Array(statement.text)
        let offset = min(position - 1, characters.count)
        var line = 0
        var column = 1
        for character in characters[..<offset] {
            if character == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        // Underline the whole word the error points at.
        var length = 0
        while offset + length < characters.count, Self.isWordCharacter(characters[offset + length]) { length += 1 }
        length = max(1, length)
        let startColumn = line == 0 ? column + statement.column - 1 : column
        let start = SourceLocation(line: statement.line + line, column: startColumn, offset: offset)
        let end = SourceLocation(line: statement.line + line, column: startColumn + length, offset: offset + length)
        return SourceSpan(start: start, end: end)
    }

    private static func isWordCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || character == "_"
    }
}
