public import RivuletCore
public import RivuletPlanner
public import RivuletRuntime

/// `connector = 'postgres-cdc'` (Flink CDC's name): a Postgres table's snapshot and then its
/// changes, read over logical replication, as a changelog source. See `PostgresCDCOptions` for
/// the options and `PostgresCDCSourceReader` for the behaviour.
public struct PostgresCDCConnector: ConnectorFactory {
    public init() {}

    public var names: [String] { ["postgres-cdc"] }
    public var metadataKeys: [String] { PostgresCDCSourceReader.metadataKeys }

    public func validate(_ relation: Relation, asSink: Bool) throws(SQLError) {
        if asSink {
            throw SQLError(.featureNotSupported, "a 'postgres-cdc' table is read-only: '\(relation.name)' cannot be written",
                           hint: "write to Postgres with 'connector' = 'postgres'")
        }
        _ = try PostgresCDCOptions(relation)
        for metadata in relation.metadataColumns {
            let field = relation.schema[metadata.column]
            let fits = metadata.key == "op_ts" ? field.type.isTimestamp : field.type == .varchar
            guard fits else {
                throw SQLError(.datatypeMismatch, "metadata column '\(field.name)' ('\(metadata.key)') must be \(metadata.key == "op_ts" ? "TIMESTAMP_LTZ(3)" : "STRING"), not \(field.type)")
            }
        }
    }

    public func makeSource(_ relation: Relation, columns: [Int], context: ConnectorContext) throws -> any SourceReader {
        PostgresCDCSourceReader(relation: relation, columns: columns, options: try PostgresCDCOptions(relation))
    }

    public func makeSink(_ relation: Relation, context: ConnectorContext) throws -> any SinkWriter {
        try validate(relation, asSink: true)
        throw SQLError.internal("unreachable: a postgres-cdc sink")
    }
}
