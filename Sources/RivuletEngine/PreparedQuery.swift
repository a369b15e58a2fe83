public import RivuletPlanner

/// A planned query and where its output goes.
public struct PreparedQuery: Sendable {
    public var query: BoundQuery
    /// The sink relation; nil when rows go back to the caller.
    public var sink: Relation?
    /// The statement's SQL text.
    public var sql: String
    /// Where the rows the query drops as late are written too (`SET 'late-rows.sink'`), besides
    /// the `rivulet_late_rows` table.
    public var lateRowSink: Relation?

    public init(query: BoundQuery, sink: Relation?, sql: String) {
        self.query = query
        self.sink = sink
        self.sql = sql
    }
}
