/// Spelling rules shared by the printers.
enum SQLFormatting {
    /// A string literal: `'it''s'`.
    static func string(_ text: String) -> String {
        quoted(text, by: "'")
    }

    /// An identifier: as spelled when it was unquoted and reads back as the same plain word,
    /// otherwise double-quoted with `""` for an embedded quote. `reservedAllowed` is for positions
    /// after a `.` where the parser takes any word as a name.
    static func identifier(_ id: Identifier, reservedAllowed: Bool = false) -> String {
        if !id.quoted, isPlainWord(id.value), reservedAllowed || !Keywords.reserved.contains(id.value.uppercased()) {
            return id.value
        }
        return quoted(id.value, by: "\"")
    }

    /// `text` between `quote`s, an embedded quote doubled.
    static func quoted(_ text: String, by quote: Character) -> String {
        var result = String(quote)
        for c in text {
            if c == quote { result.append(quote) }
            result.append(c)
        }
        result.append(quote)
        return result
    }

    /// Letters, digits, `_` and `$`, not starting with a digit or `$`: what the lexer reads as one word.
    static func isPlainWord(_ text: String) -> Bool {
        guard let first = text.first, first.isLetter || first == "_" else { return false }
        return text.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "$" }
            && !text.contains(where: { $0.isNewline || $0.isWhitespace })
    }

    static func objectName(_ name: ObjectName) -> String {
        name.parts.enumerated().map { identifier($1, reservedAllowed: $0 > 0) }.joined(separator: ".")
    }

    static func list<T: CustomStringConvertible>(_ items: [T]) -> String {
        items.map(\.description).joined(separator: ", ")
    }

    static func identifiers(_ ids: [Identifier]) -> String {
        ids.map { identifier($0) }.joined(separator: ", ")
    }
}

extension Identifier: CustomStringConvertible {
    public var description: String { SQLFormatting.identifier(self) }
}

extension ObjectName: CustomStringConvertible {
    public var description: String { SQLFormatting.objectName(self) }
}
