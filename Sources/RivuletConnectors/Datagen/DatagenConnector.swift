public import RivuletCore
public import RivuletPlanner
public import RivuletRuntime

/// `connector = 'datagen'`: generated rows, as Flink's datagen (see `DatagenConfig`).
public struct DatagenConnector: ConnectorFactory {
    public init() {}

    public var names: [String] { ["datagen"] }

    public func validate(_ relation: Relation, asSink: Bool) throws(SQLError) {
        guard !asSink else {
            throw SQLError(.featureNotSupported, "connector 'datagen' is a source only; '\(relation.name)' cannot be written to")
        }
        _ = try DatagenConfig(relation)
    }

    /// Without `number-of-rows` (or a sequence) rows are generated for ever.
    public func isUnbounded(_ relation: Relation) -> Bool {
        (try? DatagenConfig(relation))?.totalRows == nil
    }

    public func makeSource(_ relation: Relation, columns: [Int], context: ConnectorContext) throws -> any SourceReader {
        DatagenSourceReader(config: try DatagenConfig(relation), columns: columns, types: columns.map { relation.schema[$0].type })
    }

    public func makeSink(_ relation: Relation, context: ConnectorContext) throws -> any SinkWriter {
        throw SQLError(.featureNotSupported, "connector 'datagen' is a source only; '\(relation.name)' cannot be written to")
    }
}
