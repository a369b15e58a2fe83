extension StatementAccumulator.Statement {
    /// A push query (`... EMIT CHANGES` / `EMIT FINAL`): its rows are printed as they arrive.
    var isPushQuery: Bool {
        CompletionTokenizer.tokens(of: text).contains { token in
            if case .word(let word) = token { return word.uppercased() == "EMIT" }
            return false
        }
    }

    /// A statement after which the names completion offers may have changed: DDL, and
    /// statements that start or stop persistent queries.
    var changesCatalog: Bool {
        guard case .word(let first)? = CompletionTokenizer.tokens(of: text).first else { return false }
        return ["CREATE", "DROP", "ALTER", "INSERT", "TERMINATE"].contains(first.uppercased())
    }
}
