/// The words of the grammar. Words are matched case-insensitively by their upper-case spelling.
enum Keywords {
    /// Words that never stand for a name unless quoted: they start or separate clauses, so an
    /// unquoted one cannot be an alias or a column.
    static let reserved: Set<String> = [
        "ALL", "AND", "AS", "BETWEEN", "BY", "CASE", "CAST", "CREATE", "CROSS", "CURRENT_DATE",
        "CURRENT_TIME", "CURRENT_TIMESTAMP", "DISTINCT", "DROP", "ELSE", "EMIT", "END", "EXCEPT", "EXISTS",
        "FALSE", "FOR", "FROM", "FULL", "GROUP", "HAVING", "IN", "INNER", "INSERT", "INTERSECT", "INTERVAL",
        "INTO", "IS", "JOIN", "LATERAL", "LEFT", "LIKE", "LIMIT", "LOCALTIME", "LOCALTIMESTAMP", "NATURAL",
        "NOT", "NULL", "ON", "OR", "ORDER", "OUTER", "PARTITION", "RIGHT", "SELECT", "TABLE", "THEN", "TRUE",
        "TRY_CAST", "UNION", "USING", "VALUES", "WHEN", "WHERE", "WINDOW", "WITH", "WITHIN",
    ]

    /// Every word the grammar gives a meaning to, for "did you mean ...?" hints.
    static let all: [String] = Array(reserved) + [
        "ADVANCE", "ASC", "BOTH", "CHANGES", "CONSTRAINT", "CUMULATE", "DATE", "DAY", "DAYS", "DELETE", "DESC",
        "DESCRIBE", "DESCRIPTOR", "ENFORCED", "ESCAPE", "EXPLAIN", "EXTENDED", "EXTRACT", "FILTER", "FINAL",
        "FIRST", "FOLLOWING", "FUNCTIONS", "GRACE", "HOP", "HOPPING", "HOUR", "HOURS", "IF", "KEY", "LAST",
        "LEADING", "LIST", "MILLISECONDS", "MINUTE", "MINUTES", "MONTH", "NULLS", "OF", "OVER", "PARTITIONED",
        "PERIOD", "PLAN", "PRECEDING", "PRIMARY", "QUERIES", "RANGE", "REPLACE", "RESET", "RETENTION", "ROW",
        "ROWS", "SECOND", "SECONDS", "SESSION", "SET", "SHOW", "SIZE", "STREAM", "STREAMS", "SUBSTRING",
        "SYSTEM_TIME", "TABLES", "TEMPORARY", "TERMINATE", "TIMESTAMP", "TOPIC", "TOPICS", "TRAILING", "TRIM",
        "TUMBLE", "TUMBLING", "UNBOUNDED", "VIEW", "VIEWS", "WATERMARK", "YEAR",
    ]

    /// The keyword closest to `word` when it looks like a misspelling of one
    /// (`FORM` → `FROM`, `SELEC` → `SELECT`), else nil.
    static func suggestion(for word: String, among candidates: [String] = all) -> String? {
        let upper = word.uppercased()
        guard upper.count >= 3, !candidates.contains(upper) else { return nil }
        var best: (word: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(upper, candidate)
            if distance <= (candidate.count <= 4 ? 1 : 2), distance < (best?.distance ?? .max) {
                best = (candidate, distance)
            }
        }
        return best?.word
    }

    /// Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent
    /// transpositions each cost one.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var row = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            row[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    row[j] = min(row[j], previous2[j - 2] + 1)
                }
            }
            (previous2, previous, row) = (previous, row, previous2)
        }
        return previous[b.count]
    }
}
