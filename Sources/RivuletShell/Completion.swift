import RivuletSQL

/// Tab-completion candidates for the word under the cursor, from the statement text before it:
/// relation names after `FROM`, `JOIN`, `INTO`, `DESCRIBE` and `\d`; query ids after `TERMINATE`
/// and `EXPLAIN`; `WITH (...)` option names
/// of the connector being declared; columns of the relations the statement names; keywords
/// (upper-case, or lower-case when the user types lower-case) everywhere else.
public struct Completion: Sendable {
    public var catalog: CompletionCatalog

    public init(catalog: CompletionCatalog) {
        self.catalog = catalog
    }

    /// Words that start a statement.
    public static let statementKeywords = [
        "CREATE", "DESCRIBE", "DROP", "EXPLAIN", "INSERT", "LIST", "RESET", "SELECT", "SET", "SHOW", "TERMINATE", "WITH",
    ]

    public static let keywords = statementKeywords + [
        "ADVANCE", "ALL", "AND", "AS", "ASC", "BETWEEN", "BIGINT", "BOOLEAN", "BY", "CASE", "CAST", "CHANGES",
        "CUMULATE", "DATE", "DAY", "DAYS", "DECIMAL", "DESC", "DESCRIPTOR", "DISTINCT", "DOUBLE", "ELSE", "EMIT",
        "END", "ENFORCED", "EXISTS", "EXTENDED", "FALSE", "FILTER", "FINAL", "FOR", "FROM", "FULL", "GRACE", "GROUP",
        "HAVING", "HOP", "HOPPING", "HOUR", "HOURS", "IF", "IN", "INNER", "INT", "INTEGER", "INTERVAL", "INTO", "IS",
        "JOIN", "KEY", "LEFT", "LIKE", "LIMIT", "MILLISECONDS", "MINUTE", "MINUTES", "NOT", "NULL", "OF", "ON", "OR",
        "ORDER", "OUTER", "OVER", "PARTITION", "PERIOD", "PRIMARY", "RIGHT", "SECOND", "SECONDS", "SESSION", "SIZE",
        "STREAM", "STRING", "SYSTEM_TIME", "TABLE", "THEN", "TIMESTAMP", "TRUE", "TUMBLE", "TUMBLING", "UNION",
        "VALUES", "VARCHAR", "WATERMARK", "WHEN", "WHERE", "WINDOW", "WITHIN",
    ]

    /// What `SHOW` lists.
    public static let showKinds = ["CONNECTORS", "FUNCTIONS", "PROPERTIES", "QUERIES", "STREAMS", "TABLES", "VIEWS"]

    /// Whether the word is a file name (`\i FILE`), which the line editor completes itself.
    public static func completesFileName(before: String) -> Bool {
        let words = before.split(whereSeparator: { $0.isWhitespace })
        return words.count == 1 && ["\\i", "\\include"].contains(String(words[0])) && before.last?.isWhitespace == true
    }

    /// The candidates for `word`, given the statement text before it (earlier lines included).
    public func candidates(before: String, word: String) -> [String] {
        let trimmed = before.drop(while: \.isWhitespace)
        if trimmed.isEmpty, word.hasPrefix("\\") {
            return Self.matching(MetaCommand.names, word)
        }
        if trimmed.hasPrefix("\\") {
            let command = trimmed.prefix(while: { !$0.isWhitespace })
            return command == "\\d" || command == "\\d+" ? Self.matching(catalog.relations, word) : []
        }
        // Only the statement being typed counts: the text after the last `;` that ends one.
        let (statements, context) = StatementScanner.split(String(before))
        let tokens = CompletionTokenizer.tokens(of: statements.last?.text ?? "")
        if let options = withOptionCandidates(tokens) {
            return Self.matching(options, word)
        }
        // Nothing completes inside a quote or a comment.
        if context != .normal { return [] }
        let words = tokens.compactMap { token -> String? in
            if case .word(let text) = token { return text.uppercased() }
            return nil
        }
        let last = tokens.last.flatMap { token -> String? in
            if case .word(let text) = token { return text.uppercased() }
            return nil
        }
        guard !tokens.isEmpty else {
            return Self.keywords(Self.statementKeywords, typed: word)
        }
        let previous = words.count >= 2 ? words[words.count - 2] : nil
        switch last ?? "" {
        case "FROM", "JOIN", "INTO", "DESCRIBE":
            return Self.matching(catalog.relations, word)
        case "TABLE" where previous != "CREATE" && previous != "DROP":
            // TABLE(TUMBLE(TABLE name, ...)).
            return Self.matching(catalog.relations, word)
        case "EXTENDED" where previous == "DESCRIBE":
            return Self.matching(catalog.relations, word)
        case "STREAM" where previous == "DROP":
            return Self.matching(catalog.streams, word) + Self.keywords(["IF"], typed: word)
        case "TABLE" where previous == "DROP":
            return Self.matching(catalog.tables, word) + Self.keywords(["IF"], typed: word)
        case "VIEW" where previous == "DROP":
            return Self.matching(catalog.views, word) + Self.keywords(["IF"], typed: word)
        case "EXISTS" where words.count >= 3 && words[words.count - 3] == "VIEW":
            return Self.matching(catalog.views, word)
        case "EXISTS" where words.count >= 3 && words[words.count - 3] == "STREAM":
            return Self.matching(catalog.streams, word)
        case "EXISTS" where words.count >= 3 && words[words.count - 3] == "TABLE":
            return Self.matching(catalog.tables, word)
        case "STREAM" where previous == "CREATE", "TABLE" where previous == "CREATE", "VIEW" where previous == "CREATE":
            return []
        case "TERMINATE":
            return Self.matching(catalog.queries, word) + Self.keywords(["ALL"], typed: word)
        case "EXPLAIN":
            return Self.matching(catalog.queries, word) + Self.keywords(["SELECT", "INSERT", "CREATE"], typed: word)
        case "SHOW", "LIST":
            return Self.keywords(Self.showKinds, typed: word)
        case "CREATE", "DROP":
            return Self.keywords(["STREAM", "TABLE", "VIEW"], typed: word)
        default:
            break
        }
        // Columns of the relations the statement names, then functions, names and keywords.
        var mentioned: [String] = []
        for case .word(let text) in tokens where catalog.columns[text.lowercased()] != nil && !mentioned.contains(text.lowercased()) {
            mentioned.append(text.lowercased())
        }
        var names = mentioned.flatMap { catalog.columns(of: $0) }
        names += catalog.relations
        var result = Self.matching(names, word)
        result += Self.keywords(catalog.functions.map { $0.uppercased() } + Self.keywords, typed: word)
        return Self.deduplicated(result)
    }

    /// Option names (or connector names) when the word is a key (or the connector's value) in
    /// the `WITH (...)` of a `CREATE`; nil elsewhere.
    private func withOptionCandidates(_ tokens: [CompletionTokenizer.Token]) -> [String]? {
        // The innermost `WITH (` still open at the end.
        var depth = 0
        var openIndex: Int?
        for index in tokens.indices.reversed() {
            switch tokens[index] {
            case .punctuation(")"): depth += 1
            case .punctuation("("):
                if depth == 0 {
                    openIndex = index
                } else {
                    depth -= 1
                }
            default: break
            }
            if openIndex != nil { break }
        }
        guard let open = openIndex, open > 0, case .word(let with) = tokens[open - 1], with.uppercased() == "WITH" else {
            return nil
        }
        let inside = Array(tokens[(open + 1)...])
        // key = 'value' pairs written so far.
        var given: [String: String] = [:]
        var index = 0
        while index + 2 < inside.count {
            if let key = inside[index].name, case .punctuation("=") = inside[index + 1], let value = inside[index + 2].name {
                given[key.lowercased()] = value
                index += 3
            } else {
                index += 1
            }
        }
        var meaningful = inside
        if case .openQuote = meaningful.last { meaningful.removeLast() }
        guard let last = meaningful.last else { return optionNames(given: given) }
        switch last {
        case .punctuation("("), .punctuation(","):
            return optionNames(given: given)
        case .punctuation("="):
            if meaningful.count >= 2, meaningful[meaningful.count - 2].name?.lowercased() == "connector" {
                return catalog.connectorOptions.keys.sorted()
            }
            return []
        default:
            return []
        }
    }

    private func optionNames(given: [String: String]) -> [String] {
        var names: [String]
        if let connector = given["connector"]?.lowercased() {
            names = catalog.connectorOptions[connector] ?? []
        } else {
            names = ["connector"] + catalog.connectorOptions.values.flatMap { $0 }
        }
        return Self.deduplicated(names.filter { given[$0.lowercased()] == nil }).sorted()
    }

    /// Names that start with `word`, ignoring case.
    static func matching(_ names: [String], _ word: String) -> [String] {
        let prefix = word.lowercased()
        return names.filter { $0.lowercased().hasPrefix(prefix) }
    }

    /// Keywords that start with `word`, in upper case unless `word` is typed in lower case.
    static func keywords(_ candidates: [String], typed word: String) -> [String] {
        let lower = !word.isEmpty && word == word.lowercased() && word != word.uppercased()
        return matching(candidates, word).map { lower ? $0.lowercased() : $0 }
    }

    private static func deduplicated(_ names: [String]) -> [String] {
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }
    }
}
