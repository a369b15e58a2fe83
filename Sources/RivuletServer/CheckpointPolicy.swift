/// How a persistent query of the server checkpoints: into `<data-dir>/queries/<directoryName>`,
/// every `intervalMillis` while rows flow.
struct CheckpointPolicy: Sendable, Hashable {
    var directoryName: String
    var intervalMillis: Int64

    /// The server's default interval (`SET 'execution.checkpointing.interval'` changes it per query):
    /// short, because a transactional sink shows rows only once a checkpoint commits them.
    static let defaultIntervalMillis: Int64 = 1_000

    /// The folder of a server query, apart from the hashed ids `rivulet run` uses.
    static func directoryName(of queryId: String) -> String { "server-\(queryId)" }
}
