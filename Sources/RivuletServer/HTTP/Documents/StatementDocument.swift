/// `POST /api/v1/statements`: what each statement of the text did, up to the first that failed.
struct StatementDocument: Encodable, Sendable {
    struct Column: Encodable, Sendable {
        var name: String
        var type: String
    }

    struct Result: Encodable, Sendable {
        /// The command tag: `CREATE STREAM`, `INSERT 0 3`, `SELECT 2`.
        var tag: String
        /// A result set's columns and rows (values in their Postgres text form); nil for a command.
        var columns: [Column]?
        var rows: [[String?]]?
    }

    var results: [Result]
    /// The statement that failed; the ones after it did not run.
    var error: ErrorDocument?
}
