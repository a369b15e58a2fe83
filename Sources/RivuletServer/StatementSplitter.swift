import RivuletCore

/// Splits a query string into its `;`-separated statements, respecting quotes and comments,
/// so that each can be answered on its own (client compatibility statements the SQL parser
/// does not know among them) while errors keep positions in the whole string.
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

    static func split(_ sql: String) -> [Piece] {
        enum Mode { case normal, quoted(Character), lineComment, blockComment }
        var pieces: [Piece] = []
        var current = ""
        var start = (offset: 0, line: 1, column: 1)
        var offset = 0, line = 1, column = 1
        var mode = Mode.normal
        var previous: Character = " "
        for character in sql {
            var ends = false
            switch mode {
            case .normal:
                switch character {
                case "'", "\"", "`": mode = .quoted(character)
                case "-" where previous == "-": mode = .lineComment
                case "*" where previous == "/": mode = .blockComment
                case ";": ends = true
                default: break
                }
            case .quoted(let quote):
                // A doubled quote reads as leaving and re-entering the quoted text.
                if character == quote { mode = .normal }
            case .lineComment:
                if character.isNewline { mode = .normal }
            case .blockComment:
                if character == "/", previous == "*" { mode = .normal }
            }
            if !ends { current.append(character) }
            offset += 1
            if character.isNewline {
                line += 1
                column = 1
            } else {
                column += 1
            }
            previous = ends || (character == "-" && previous == "-") || (character == "/" && previous == "*") ? " " : character
            if ends {
                pieces.append(Piece(text: current, offset: start.offset, line: start.line, column: start.column))
                current = ""
                start = (offset, line, column)
            }
        }
        pieces.append(Piece(text: current, offset: start.offset, line: start.line, column: start.column))
        return pieces.filter { !$0.text.allSatisfy(\.isWhitespace) }
    }
}
