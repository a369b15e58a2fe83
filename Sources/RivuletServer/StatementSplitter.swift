import RivuletCore
import RivuletSQL

/// Splits a query string into its `;`-separated statements, respecting quotes and comments by
/// the rules the shell splits by too (`StatementScanner`), so that each can be answered on its
/// own (client compatibility statements the SQL parser does not know among them) while errors
/// keep positions in the whole string.
enum StatementSplitter {
    struct Piece: Hashable {
        var text: String
        /// Where the piece starts in the whole string: offset in Characters, 1-based line and column.
        var offset: Int
        var line: Int
        var column: Int

        /// `error` with its span moved from the piece to the whole string.
        func placed(_ error: SQLError) -> SQLError {
            guard let span = error.span else { return error }
            var moved = error
            moved.span = SourceSpan(start: place(span.start), end: place(span.end))
            return moved
        }

        private func place(_ location: SourceLocation) -> SourceLocation {
            SourceLocation(
                line: location.line + line - 1, column: location.line == 1 ? location.column + column - 1 : location.column,
                offset: location.offset + offset)
        }
    }

    /// The statements of `sql` as `StatementScanner` finds them, without those that are only blanks.
    static func split(_ sql: String) -> [Piece] {
        StatementScanner.split(sql).statements.compactMap { statement in
            guard !statement.text.allSatisfy(\.isWhitespace) else { return nil }
            return Piece(text: statement.text, offset: statement.start.offset, line: statement.start.line, column: statement.start.column)
        }
    }
}
