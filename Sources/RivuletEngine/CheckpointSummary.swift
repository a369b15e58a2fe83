/// What checkpointing did for one run of a query.
public struct CheckpointSummary: Sendable, Hashable {
    /// The checkpoint the run resumed from; nil when it started from the beginning.
    public var resumedFrom: Int64?
    /// Checkpoints this run took (the final one included).
    public var taken = 0
    /// The last checkpoint committed.
    public var last: Int64?
    /// Why the query ran without checkpoints, when it did.
    public var skippedBecause: String?

    public init() {}
}
