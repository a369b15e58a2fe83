/// Where an engine keeps its files and resolves relative paths.
public struct EngineConfiguration: Sendable {
    /// Relative connector paths (`'path' = 'bids.csv'`) resolve against this directory.
    public var workingDirectory: String
    /// Checkpoints and embedded streams.
    public var dataDirectory: String
    /// Rows per batch pulled from sources.
    public var batchSize: Int
    /// The connector that keeps `CREATE TABLE ... AS SELECT` of an updating query (an aggregate,
    /// a join of changelogs) when the statement names none: a server passes its in-memory
    /// materialized tables, which pull queries read. nil: such a statement needs an upsert sink.
    public var materializedTableConnector: String?
    /// Whether `run` reads sources that allow it (files, generators) ahead on a thread of their
    /// own while the operators run; false runs a query on one thread. The output is the same.
    public var readAhead: Bool
    /// Time between the checkpoints `run` takes of a query that writes to a sink
    /// (`SET 'execution.checkpointing.interval'` overrides it); nil: `run` takes none.
    public var checkpointIntervalMillis: Int64?

    public init(
        workingDirectory: String, dataDirectory: String, batchSize: Int = 8192, materializedTableConnector: String? = nil,
        readAhead: Bool = true, checkpointIntervalMillis: Int64? = nil
    ) {
        self.checkpointIntervalMillis = checkpointIntervalMillis
        self.workingDirectory = workingDirectory
        self.dataDirectory = dataDirectory
        self.batchSize = batchSize
        self.materializedTableConnector = materializedTableConnector
        self.readAhead = readAhead
    }
}
