public import RivuletCore
public import RivuletPlanner
public import RivuletRuntime

/// `connector = 'blackhole'`: a sink that discards everything. Other options are
/// ignored, so a script's sink can be swapped for it by changing only the connector.
public struct BlackholeConnector: ConnectorFactory {
    public init() {}

    public var names: [String] { ["blackhole"] }

    public func validate(_ relation: Relation, asSink: Bool) throws(SQLError) {
        guard asSink else {
            throw SQLError(.featureNotSupported, "connector 'blackhole' can only be a sink; '\(relation.name)' is read from")
        }
    }

    public func makeSource(_ relation: Relation, columns: [Int], context: ConnectorContext) throws -> any SourceReader {
        throw SQLError(.featureNotSupported, "connector 'blackhole' can only be a sink; '\(relation.name)' is read from")
    }

    public func makeSink(_ relation: Relation, context: ConnectorContext) throws -> any SinkWriter {
        BlackholeSink()
    }
}
