/// Postgres' cursor statements, which the SQL grammar does not have:
/// `DECLARE name [[NO] SCROLL] CURSOR [WITH | WITHOUT HOLD] FOR query`,
/// `FETCH [direction] [FROM | IN] name`, `MOVE [direction] [FROM | IN] name` and
/// `CLOSE name | ALL`. Any query a client may run, a push query (`EMIT CHANGES`) among them,
/// can be read through a cursor n rows at a time; a pull query's cursor declared `SCROLL` also
/// moves backwards and to any row.
enum CursorStatement: Equatable {
    /// `query` starts at Character offset `queryOffset` of the statement.
    case declare(name: String, query: String, queryOffset: Int, scroll: Bool)
    case fetch(name: String, direction: CursorDirection)
    /// Moves as `FETCH` would, without returning the rows.
    case move(name: String, direction: CursorDirection)
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
            // Between the name and CURSOR: BINARY, INSENSITIVE, [NO] SCROLL, ASENSITIVE.
            let options = words[2..<cursor].map { $0.text.uppercased() }
            guard options.allSatisfy({ ["BINARY", "INSENSITIVE", "ASENSITIVE", "SCROLL", "NO"].contains($0) }) else { return nil }
            let scroll = options.contains("SCROLL") && !options.contains("NO")
            var index = cursor + 1
            if index + 1 < words.count, ["WITH", "WITHOUT"].contains(words[index].text.uppercased()),
                words[index + 1].text.uppercased() == "HOLD"
            {
                index += 2
            }
            guard index + 1 < words.count, words[index].text.uppercased() == "FOR" else { return nil }
            let start = words[index + 1].offset
            self = .declare(
                name: Self.name(words[1].text), query: String(Array(sql)[start...]), queryOffset: start, scroll: scroll)
        case "FETCH", "MOVE":
            var rest = Array(words.dropFirst().map(\.text))
            guard let name = rest.popLast() else { return nil }
            if let preposition = rest.last?.uppercased(), preposition == "FROM" || preposition == "IN" { rest.removeLast() }
            guard let direction = CursorDirection(rest) else { return nil }
            self = first == "FETCH" ? .fetch(name: Self.name(name), direction: direction) : .move(name: Self.name(name), direction: direction)
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

/// Where `FETCH` and `MOVE` go, in Postgres' terms: a cursor stands before its first row, on
/// a row, or after its last row.
enum CursorDirection: Equatable {
    /// `NEXT`, `FORWARD [n | ALL]`, `n`, `ALL`: the next n rows (nil: all of them); 0 the current row.
    case forward(Int?)
    /// `PRIOR`, `BACKWARD [n | ALL]`, `-n`: the previous n rows, nearest first; 0 the current row.
    case backward(Int?)
    /// `FIRST` (1), `LAST` (-1), `ABSOLUTE n`: row n, counted from the end when negative.
    case absolute(Int)
    /// `RELATIVE n`: the row n rows away; 0 the current row.
    case relative(Int)

    /// The direction words between `FETCH` (or `MOVE`) and `FROM name`; nil when they are none.
    init?(_ words: [String]) {
        let upper = words.map { $0.uppercased() }
        func count(_ word: String) -> Int? { word == "ALL" ? nil : Int(word) }
        switch upper.count {
        case 0:
            self = .forward(1)
        case 1:
            switch upper[0] {
            case "NEXT", "FORWARD": self = .forward(1)
            case "PRIOR", "BACKWARD": self = .backward(1)
            case "FIRST": self = .absolute(1)
            case "LAST": self = .absolute(-1)
            case "ALL": self = .forward(nil)
            default:
                guard let n = Int(upper[0]) else { return nil }
                self = n < 0 ? .backward(-n) : .forward(n)
            }
        case 2:
            let amount = upper[1]
            switch upper[0] {
            case "FORWARD":
                guard amount == "ALL" || Int(amount) != nil else { return nil }
                let n = count(amount)
                self = n.map { $0 < 0 ? .backward(-$0) : .forward($0) } ?? .forward(nil)
            case "BACKWARD":
                guard amount == "ALL" || Int(amount) != nil else { return nil }
                let n = count(amount)
                self = n.map { $0 < 0 ? .forward(-$0) : .backward($0) } ?? .backward(nil)
            case "ABSOLUTE":
                guard let n = Int(amount) else { return nil }
                self = .absolute(n)
            case "RELATIVE":
                guard let n = Int(amount) else { return nil }
                self = .relative(n)
            default:
                return nil
            }
        default:
            return nil
        }
    }
}
