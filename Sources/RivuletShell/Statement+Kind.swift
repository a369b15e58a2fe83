extension StatementAccumulator.Statement {
    /// A push query (`SELECT ... EMIT CHANGES` / `EMIT FINAL`): its rows are printed as they
    /// arrive. (`CREATE ... AS SELECT ... EMIT CHANGES` starts a persistent query instead.)
    var isPushQuery: Bool {
        let words = CompletionTokenizer.tokens(of: text).compactMap { token -> String? in
            if case .word(let word) = token { return word.uppercased() }
            return nil
        }
        guard let first = words.first, first == "SELECT" || first == "WITH" else { return false }
        return words.contains("EMIT")
    }

    /// A statement after which the names completion offers may have changed: DDL, and
    /// statements that start or stop persistent queries.
    var changesCatalog: Bool {
        guard case .word(let first)? = CompletionTokenizer.tokens(of: text).first else { return false }
        return ["CREATE", "DROP", "ALTER", "INSERT", "TERMINATE"].contains(first.uppercased())
    }
}
