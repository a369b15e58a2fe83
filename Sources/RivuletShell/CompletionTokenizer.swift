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

    static func tokens(of text: String) -> [Token] {
        let characters = Array(text)
        var tokens: [Token] = []
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if character.isWhitespace {
                index += 1
            } else if character == "-", index + 1 < characters.count, characters[index + 1] == "-" {
                while index < characters.count, characters[index] != "\n" { index += 1 }
            } else if character == "/", index + 1 < characters.count, characters[index + 1] == "*" {
                index += 2
                while index + 1 < characters.count, !(characters[index] == "*" && characters[index + 1] == "/") { index += 1 }
                index += 2
            } else if character == "'" || character == "\"" || character == "`" {
                var end = index + 1
                var content = ""
                var closed = false
                while end < characters.count {
                    if characters[end] == character {
                        if end + 1 < characters.count, characters[end + 1] == character {
                            content.append(character)
                            end += 2
                            continue
                        }
                        closed = true
                        break
                    }
                    content.append(characters[end])
                    end += 1
                }
                if closed {
                    tokens.append(character == "'" ? .quoted(content) : .word(content))
                    index = end + 1
                } else {
                    tokens.append(.openQuote(character))
                    index = characters.count
                }
            } else if character.isLetter || character == "_" || character.isNumber {
                var end = index
                while end < characters.count, characters[end].isLetter || characters[end].isNumber || characters[end] == "_" { end += 1 }
                tokens.append(.word(String(characters[index..<end])))
                index = end
            } else {
                tokens.append(.punctuation(character))
                index += 1
            }
        }
        return tokens
    }
}
