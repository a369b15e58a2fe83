/// Where an engine keeps its files and resolves relative paths.
public struct EngineConfiguration: Sendable {
    /// Relative connector paths (`'path' = 'bids.csv'`) resolve against this directory.
    public var workingDirectory: String
    /// Checkpoints and embedded streams.
    public var dataDirectory: String
    /// Rows per batch pulled from sources.
    public var batchSize: Int

    public init(workingDirectory: String, dataDirectory: String, batchSize: Int = 8192) {
        self.workingDirectory = workingDirectory
        self.dataDirectory = dataDirectory
        self.batchSize = batchSize
    }
}
