public import RivuletCore
public import RivuletPlanner
public import RivuletRuntime

/// `connector = 'sqlite'`: an upsert sink by primary key, or a bounded source reading a table
/// (for dimensions and lookups). Options: `path`, `table` (see `SQLiteTableOptions`).
public struct SQLiteConnector: ConnectorFactory {
    public init() {}

    public var names: [String] { ["sqlite"] }

    public func validate(_ relation: Relation, asSink: Bool) throws(SQLError) {
        _ = try SQLiteTableOptions(relation)
    }

    public func makeSource(_ relation: Relation, columns: [Int], context: ConnectorContext) throws -> any SourceReader {
        try SQLiteSourceReader(relation: relation, columns: columns, options: try SQLiteTableOptions(relation), context: context)
    }

    public func makeSink(_ relation: Relation, context: ConnectorContext) throws -> any SinkWriter {
        try SQLiteSinkWriter(relation: relation, options: try SQLiteTableOptions(relation), context: context)
    }
}
