public import RivuletCore

/// A query ready to run: its plan and how a caller presents its result.
public struct BoundQuery: Sendable {
    public struct SortKey: Sendable, Hashable {
        public var column: Int
        public var ascending: Bool
        public var nullsFirst: Bool
    }

    public var plan: StreamPlan
    /// `EMIT CHANGES`: a push query that streams every change.
    public var emitChanges: Bool
    /// `EMIT CHANGES` or `EMIT FINAL`: a push query, whose rows keep coming until it is cancelled
    /// (with `EMIT FINAL`, each window's final row once it closes).
    public var isPush: Bool
    /// `LIMIT n`: stop after n rows.
    public var limit: Int?
    /// `ORDER BY`: applied to the final result of a bounded run.
    public var orderBy: [SortKey]
    /// Trailing columns of the plan that only ORDER BY reads: dropped from the result.
    public var hiddenColumns = 0

    /// The columns the caller sees.
    public var schema: Schema { Schema(Array(plan.schema.fields.dropLast(hiddenColumns))) }
}
