/// A source that follows a database's changes: when it has nothing, nothing changed, so a
/// query reading it with other sources goes on with them instead of waiting for its next row
/// (a stream–table join joins with the table as it is), as with ksqlDB's tables.
public protocol ChangeFollowingSource: SourceReader {}
