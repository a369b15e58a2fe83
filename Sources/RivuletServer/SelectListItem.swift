/// One output column of a client's catalog query, as written between `SELECT` and the top-level
/// `FROM`: its text (lower-cased, whitespace collapsed) and the name the column goes by.
struct SelectListItem: Equatable {
    /// The expression without its alias, e.g. `pg_catalog.format_type(a.atttypid, a.atttypmod)`.
    var expression: String
    /// The alias when there is one (`as "Name"` → `Name`), else the last identifier of a column
    /// reference or the called function's name, as Postgres names result columns.
    var name: String

    /// The column a bare `a.attname` or `attname` refers to (`attname`); nil for anything else.
    var column: String? {
        let last = expression.split(separator: ".").last.map(String.init) ?? expression
        return last.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } ? last : nil
    }

    /// The select list of `sql`, split at top-level commas (not inside parentheses or quotes);
    /// nil when `sql` is not a `SELECT ... FROM` statement.
    static func items(of sql: String) -> [SelectListItem]? {
        let characters = Array(sql)
        var index = 0
        func skipSpace() { while index < characters.count, characters[index].isWhitespace { index += 1 } }
        skipSpace()
        guard characters.count >= index + 6, String(characters[index..<index + 6]).lowercased() == "select" else { return nil }
        index += 6
        var pieces: [String] = []
        var current = ""
        var depth = 0
        var quote: Character?
        while index < characters.count {
            let character = characters[index]
            if let open = quote {
                current.append(character)
                if character == open { quote = nil }
                index += 1
                continue
            }
            switch character {
            case "'", "\"":
                quote = character
            case "(":
                depth += 1
            case ")":
                depth -= 1
            case "," where depth == 0:
                pieces.append(current)
                current = ""
                index += 1
                continue
            default:
                if depth == 0, Self.isKeyword("from", at: index, in: characters) {
                    pieces.append(current)
                    return pieces.map(Self.item)
                }
            }
            current.append(character)
            index += 1
        }
        return nil
    }

    private static func isKeyword(_ word: String, at index: Int, in characters: [Character]) -> Bool {
        let end = index + word.count
        guard end <= characters.count, String(characters[index..<end]).lowercased() == word else { return false }
        let before = index == 0 ? " " : characters[index - 1]
        let after = end == characters.count ? " " : characters[end]
        return !(before.isLetter || before.isNumber || before == "_" || before == ".")
            && !(after.isLetter || after.isNumber || after == "_")
    }

    private static func item(_ text: String) -> SelectListItem {
        let words = text.split(whereSeparator: \.isWhitespace)
        var expression = words.joined(separator: " ")
        var name: String?
        if expression.hasSuffix("\""), let open = expression.dropLast().lastIndex(of: "\"") {
            // `expr AS "Quoted alias"`, which may hold spaces.
            let before = expression[..<open].trimmingSuffix(while: \.isWhitespace)
            if before.lowercased().hasSuffix(" as") {
                name = String(expression[expression.index(after: open)..<expression.index(before: expression.endIndex)])
                expression = String(before.dropLast(3))
            }
        } else if words.count >= 3, words[words.count - 2].lowercased() == "as" {
            name = words[words.count - 1].lowercased()
            expression = words.dropLast(2).joined(separator: " ")
        }
        expression = expression.lowercased()
        if name == nil {
            if let open = expression.firstIndex(of: "("), !expression.hasPrefix("(") {
                name = String(expression[..<open].split(separator: ".").last ?? "?column?")
            } else {
                name = expression.split(separator: ".").last.map(String.init) ?? "?column?"
            }
        }
        return SelectListItem(expression: expression, name: name ?? "?column?")
    }
}

extension Substring {
    fileprivate func trimmingSuffix(while predicate: (Character) -> Bool) -> Substring {
        var end = endIndex
        while end > startIndex, predicate(self[index(before: end)]) { end = index(before: end) }
        return self[startIndex..<end]
    }
}
