import RivuletSQL

/// A rough SQL tokenizer for completion and for telling statements apart (push queries, DDL):
/// words, quoted strings, punctuation; comments skipped; a quote still open at the end is
/// reported as such.
enum CompletionTokenizer {
    enum Token: Equatable {
        case word(String)
        case quoted(String)
        case punctuation(Character)
        case openQuote(Character)

        /// The text of a word or a quoted string (an option key or value).
        var name: String? {
            switch self {
            case .word(let text), .quoted(let text): return text
            default: return nil
            }
        }
    }

    /// The tokens of `text`, read with `StatementScanner` so that quotes and comments follow the
    /// rules statements are split by: comments and blanks separate tokens; `'...'` and dollar
    /// quotes are strings; `"..."` and `` `...` `` are words.
    static func tokens(of text: String) -> [Token] {
        let characters = Array(text)
        var scanner = StatementScanner()
        var tokens: [Token] = []
        var word = ""
        func endWord() {
            if !word.isEmpty { tokens.append(.word(word)) }
            word = ""
        }
        var index = 0
        while let piece = scanner.next(in: characters, at: &index) {
            guard piece.kind == .code || piece.kind == .end else {
                endWord()
                continue
            }
            let character = characters[piece.range.lowerBound]
            if piece.range.count == 1, character.isLetter || character.isNumber || character == "_" {
                word.append(character)
                continue
            }
            endWord()
            guard let quote = Self.quote(scanner.context) else {
                tokens.append(.punctuation(character))
                continue
            }
            // The opening quote: the next piece is the quoted text up to and with its closing quote.
            let content = scanner.next(in: characters, at: &index).map { characters[$0.range] } ?? []
            guard scanner.context == .normal else {
                tokens.append(.openQuote(quote.opening))
                break
            }
            let inside = String(content.dropLast(quote.closing.count))
            let unescaped = quote.closing.count == 1 ? inside.replacingOccurrences(quote.closing + quote.closing, quote.closing) : inside
            tokens.append(quote.opening == "\"" || quote.opening == "`" ? .word(unescaped) : .quoted(unescaped))
        }
        endWord()
        return tokens
    }

    /// The quote the scanner stands in: its first character and the text that closes it.
    private static func quote(_ context: StatementScanner.Context) -> (opening: Character, closing: String)? {
        switch context {
        case .singleQuote: return ("'", "'")
        case .doubleQuote: return ("\"", "\"")
        case .backtick: return ("`", "`")
        case .dollarQuote(let tag): return ("$", "$" + tag + "$")
        case .normal, .lineComment, .blockComment: return nil
        }
    }
}

extension String {
    fileprivate func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
