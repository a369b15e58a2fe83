/// What checkpointing did for one run of a query.
public struct CheckpointSummary: Sendable, Hashable {
    /// The checkpoint the run resumed from; nil when it started from the beginning.
    public var resumedFrom: Int64?
    /// Checkpoints this run took (the final one included).
    public var taken = 0
    /// The last checkpoint committed.
    public var last: Int64?
    /// The longest checkpoint and the last one (writing the state, making it durable and
    /// committing the sink), in seconds, and the size of the last one's state in bytes.
    public var longestSeconds = 0.0
    public var lastSeconds = 0.0
    public var lastBytes = 0

    public init() {}
}
