public import RivuletRuntime

/// What a run needs to open its sources and sink, away from the engine (a server runs queries
/// in tasks of their own while its engine stays behind the query manager): the connectors and
/// where files live.
public struct QueryConnectors: Sendable {
    public var registry: ConnectorRegistry
    /// Relative connector paths resolve against this folder.
    public var workingDirectory: String
    /// Checkpoints, spill files, error logs.
    public var dataDirectory: String

    func context(
        badRecords: BadRecordLog, follow: Bool = false, sessionOptions: [String: String] = [:], sinkHealth: SinkHealth = SinkHealth()
    ) -> ConnectorContext {
        ConnectorContext(
            workingDirectory: workingDirectory, dataDirectory: dataDirectory, badRecords: badRecords, follow: follow,
            sessionOptions: sessionOptions, sinkHealth: sinkHealth)
    }
}
