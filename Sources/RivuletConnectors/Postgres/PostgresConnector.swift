public import RivuletCore
public import RivuletPlanner
public import RivuletRuntime

/// `connector = 'postgres'` (or Flink's `'jdbc'` with a `postgresql` URL): an upsert sink by
/// primary key into a Postgres table (see `PostgresOptions` and `PostgresSinkWriter`).
public struct PostgresConnector: ConnectorFactory {
    public init() {}

    public var names: [String] { ["postgres", "postgresql", "jdbc"] }

    public func validate(_ relation: Relation, asSink: Bool) throws(SQLError) {
        _ = try PostgresOptions(relation)
    }

    public func makeSource(_ relation: Relation, columns: [Int], context: ConnectorContext) throws -> any SourceReader {
        throw SQLError.unsupported("reading a Postgres table ('\(relation.name)') is not supported yet; it can be a sink")
    }

    public func makeSink(_ relation: Relation, context: ConnectorContext) throws -> any SinkWriter {
        try PostgresSinkWriter(relation: relation, options: try PostgresOptions(relation), health: context.sinkHealth)
    }
}
