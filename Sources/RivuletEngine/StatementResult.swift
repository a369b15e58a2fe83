/// What executing one statement produced.
public enum StatementResult {
    /// A statement with no rows (DDL, SET, INSERT ... VALUES); the text says what happened.
    case completed(String)
    /// A static result (SHOW, DESCRIBE, EXPLAIN).
    case rows(ResultSet)
    /// A SELECT, ready to run; its rows go to the caller.
    case query(PreparedQuery)
    /// INSERT INTO ... SELECT or CREATE ... AS SELECT, ready to run into its sink.
    case persistentQuery(PreparedQuery)
    /// A statement set's INSERTs, in order, each ready to run into its sink.
    case persistentQueries([PreparedQuery])
}

extension StatementResult {
    /// The queries the statement leaves to run, in order: none for a completed statement or rows.
    public var queries: [PreparedQuery] {
        switch self {
        case .completed, .rows: []
        case .query(let query), .persistentQuery(let query): [query]
        case .persistentQueries(let queries): queries
        }
    }
}
