/// What kind of named relation a DDL statement is about.
public enum RelationKind: Hashable, Sendable {
    /// `STREAM`: unbounded, append-only.
    case stream
    /// `TABLE`: a keyed changelog (or, in Flink spelling, any connector-backed relation).
    case table
    /// `VIEW`: a named query (only in `DROP VIEW`; views are created by `CreateView`).
    case view
}
