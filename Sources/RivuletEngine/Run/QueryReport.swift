/// What running a query to completion measured.
public struct QueryReport: Sendable {
    public var id: String
    public var sql: String
    public var rowsIn: Int
    public var rowsOut: Int
    public var lateRows: Int
    public var badRecords: Int
    public var seconds: Double
    /// Rows (or keys and windows) held in state at the end.
    public var stateSize: Int
    /// For a SELECT: the rows it emitted.
    public var result: ResultSet?
    /// For a query run with checkpoints: what they did.
    public var checkpoints: CheckpointSummary? = nil
    /// The folder under `<data-dir>/queries` of the query's checkpoints, and the id its bad
    /// records are tagged with.
    public var checkpointFolder: String
}
