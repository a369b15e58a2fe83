/// Postgres' cursor statements, which the SQL grammar does not have: `DECLARE name CURSOR FOR
/// query`, `FETCH [FORWARD] [n | ALL | NEXT] [FROM | IN] name` and `CLOSE name | ALL`. Any
/// query a client may run, a push query (`EMIT CHANGES`) among them, can be read through a
/// cursor n rows at a time.
enum CursorStatement: Equatable {
    /// `query` starts at Character offset `queryOffset` of the statement.
    case declare(name: String, query: String, queryOffset: Int)
    /// nil count: every remaining row.
    case fetch(name: String, count: Int?)
    /// nil name: every cursor.
    case close(name: String?)

    /// The statement `sql` is, or nil when it is none of these.
    init?(_ sql: String) {
        let words = Self.words(of: sql)
        guard let first = words.first?.text.uppercased() else { return nil }
        switch first {
        case "DECLARE":
            guard words.count >= 4, let cursor = words.firstIndex(where: { $0.text.uppercased() == "CURSOR" }), cursor >= 2 else {
                return nil
            }
            var index = cursor + 1
            if index + 1 < words.count, ["WITH", "WITHOUT"].contains(words[index].text.uppercased()),
                words[index + 1].text.uppercased() == "HOLD"
            {
                index += 2
            }
            guard index + 1 < words.count, words[index].text.uppercased() == "FOR" else { return nil }
            let start = words[index + 1].offset
            self = .declare(
                name: Self.name(words[1].text), query: String(Array(sql)[start...]), queryOffset: start)
        case "FETCH":
            var rest = words.dropFirst().map(\.text)
            var count: Int? = 1
            if let direction = rest.first?.uppercased(), ["FORWARD", "NEXT"].contains(direction) {
                rest.removeFirst()
            }
            if let amount = rest.first {
                if amount.uppercased() == "ALL" {
                    count = nil
                    rest.removeFirst()
                } else if let n = Int(amount), n >= 0 {
                    count = n
                    rest.removeFirst()
                }
            }
            if let preposition = rest.first?.uppercased(), preposition == "FROM" || preposition == "IN" { rest.removeFirst() }
            guard rest.count == 1 else { return nil }
            self = .fetch(name: Self.name(rest[0]), count: count)
        case "CLOSE":
            guard words.count == 2 else { return nil }
            self = .close(name: words[1].text.uppercased() == "ALL" ? nil : Self.name(words[1].text))
        default:
            return nil
        }
    }

    /// A cursor name as Postgres folds it: lower-cased unless double-quoted.
    private static func name(_ word: String) -> String {
        word.hasPrefix("\"") && word.hasSuffix("\"") && word.count >= 2 ? String(word.dropFirst().dropLast()) : word.lowercased()
    }

    /// Whitespace-separated words (a trailing `;` dropped), each with its Character offset.
    private static func words(of sql: String) -> [(text: String, offset: Int)] {
        var words: [(text: String, offset: Int)] = []
        var current = ""
        var start = 0
        for (offset, character) in sql.enumerated() {
            if character.isWhitespace || character == ";" {
                if !current.isEmpty { words.append((current, start)) }
                current = ""
            } else {
                if current.isEmpty { start = offset }
                current.append(character)
            }
        }
        if !current.isEmpty { words.append((current, start)) }
        return words
    }
}
