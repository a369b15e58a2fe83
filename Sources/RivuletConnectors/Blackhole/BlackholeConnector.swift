public import RivuletCore
public import RivuletPlanner
public import RivuletRuntime

/// `connector = 'blackhole'`: a sink that discards everything. Other options are
/// ignored, so a script's sink can be swapped for it by changing only the connector.
public struct BlackholeConnector: ConnectorFactory {
    public init() {}

    public var names: [String] { ["blackhole"] }

    /// Accepts every declaration: CREATE TABLE validates with `asSink: false` before anyone knows
    /// the table will be written to, which is how a blackhole table is always declared. Reading
    /// one is refused when a query opens it.
    public func validate(_ relation: Relation, asSink: Bool) throws(SQLError) {}

    public func makeSource(_ relation: Relation, columns: [Int], context: ConnectorContext) throws -> any SourceReader {
        throw SQLError(.featureNotSupported, "connector 'blackhole' can only be a sink; '\(relation.name)' is read from")
    }

    public func makeSink(_ relation: Relation, context: ConnectorContext) throws -> any SinkWriter {
        BlackholeSink()
    }
}
