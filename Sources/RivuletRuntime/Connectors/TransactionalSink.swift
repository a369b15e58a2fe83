/// Which checkpoint of which query a sink's committed contents reflect.
public struct CheckpointMark: Sendable, Hashable {
    /// The query's id (a hash of its SQL), shared by every run of the same query.
    public var query: String
    /// The data directory's token for this query, so a mark written from another data directory
    /// is never taken for one of ours.
    public var instance: String
    public var checkpoint: Int64

    public init(query: String, instance: String, checkpoint: Int64) {
        self.query = query
        self.instance = instance
        self.checkpoint = checkpoint
    }
}

/// A sink whose writes become visible only at checkpoints, each in one transaction together with
/// the checkpoint's mark, so a restarted query knows exactly what the sink holds (exactly once).
///
/// Contract: after `beginCheckpointing(query:)` the sink never commits on its own (no commits
/// per flush or per N rows); it returns the mark of the last checkpoint committed for `query`,
/// or nil. `commit(_:)` makes every write since the previous commit durable atomically with
/// the mark, replacing the query's previous mark. Writes not yet committed are lost when the
/// process dies, and are then replayed from the checkpoint the sink holds. A sink that cannot
/// reach its store retries inside `commit` (and `write`) until it can, which holds the query.
public protocol TransactionalSink: SinkWriter {
    func beginCheckpointing(query: String) throws -> CheckpointMark?
    func commit(_ mark: CheckpointMark) throws
}
