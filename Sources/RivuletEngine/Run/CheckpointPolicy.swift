/// How a run takes checkpoints: into `<data-dir>/queries/<folder>`, every `intervalMillis`
/// while rows flow, and once more when it ends or is stopped.
public struct CheckpointPolicy: Sendable, Hashable {
    public var folder: String
    public var intervalMillis: Int64

    /// Checkpoints into `folder` every `intervalMillis`.
    public static func into(_ folder: String, every intervalMillis: Int64) -> CheckpointPolicy {
        CheckpointPolicy(folder: folder, intervalMillis: intervalMillis)
    }

    /// `rivulet run`'s default interval.
    public static let defaultIntervalMillis: Int64 = 5_000
    /// A server's default interval: short, because a transactional sink shows rows only once a
    /// checkpoint commits them.
    public static let serverIntervalMillis: Int64 = 1_000

    /// The folder of a script's query: a hash of its SQL text with runs of whitespace folded, so
    /// the same statement finds its checkpoints again in the next run.
    public static func folder(sql: String) -> String {
        let folded = sql.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in folded.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return "q" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// The folder of a server's query, apart from the hashed ones of scripts.
    public static func folder(serverQuery id: String) -> String { "server-\(id)" }
}
