import Foundation
public import RivuletCore

/// How `Engine.run` checkpoints a query that writes to a sink.
public struct Durability: Sendable {
    /// The query's checkpoint folder is `<dataDirectory>/queries/<queryId>`.
    public var queryId: String
    /// Time between checkpoints; a final one is always taken when the input ends.
    public var intervalMillis: Int64
    /// Called with each checkpoint's id once it is durable, before the sink commits it, so logs
    /// kept beside the sink (bad records) can tag what they wrote with it.
    public var checkpointWritten: (@Sendable (Int64) throws -> Void)?
    /// Called with the checkpoint the query resumed from (nil: from the beginning), so such logs
    /// drop what they tagged with later checkpoints, which the run writes again.
    public var resumed: (@Sendable (Int64?) throws -> Void)?

    public static let defaultIntervalMillis: Int64 = 5_000
    /// The SET key of the interval, as Flink names it.
    public static let intervalSetting = "execution.checkpointing.interval"

    public init(queryId: String, intervalMillis: Int64 = Durability.defaultIntervalMillis) {
        self.queryId = queryId
        self.intervalMillis = intervalMillis
    }

    /// A stable id for a query: a hash of its SQL text with runs of whitespace folded, so the
    /// same statement finds its checkpoints again in the next run.
    public static func queryId(sql: String) -> String {
        let folded = sql.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in folded.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return "q" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Parses an interval as Flink writes it (a positive `DurationText`): `2 s`, `500 ms`,
    /// `1 min`, `2s`, or bare milliseconds.
    public static func parseInterval(_ text: String) throws(SQLError) -> Int64 {
        try DurationText.milliseconds(text, for: "the checkpoint interval", positive: true)
    }
}
