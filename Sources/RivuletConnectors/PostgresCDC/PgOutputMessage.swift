/// One message of Postgres's `pgoutput` logical decoding plugin, protocol version 1 (the
/// payload of an XLogData message on a replication connection). Values are as the server sends
/// them: LSNs as 64-bit positions, times in microseconds since 2000-01-01 UTC.
public enum PgOutputMessage: Equatable, Sendable {
    /// `B`: a transaction starts; its changes follow, then `commit`.
    case begin(finalLSN: UInt64, commitTime: Int64, transactionID: UInt32)
    /// `C`: the transaction whose changes came since `begin` committed.
    case commit(commitLSN: UInt64, endLSN: UInt64, commitTime: Int64)
    /// `R`: what a relation's columns are, sent before its first change in a session and again
    /// whenever it changed (a column added), so the tuples that follow are read with it.
    case relation(PgOutputRelation)
    /// `I`: a new row.
    case insert(relationID: UInt32, new: [PgOutputValue])
    /// `U`: a changed row. `old` is the whole old row (`O`, replica identity FULL) or its key
    /// columns (`K`, when the key changed), else nil.
    case update(relationID: UInt32, old: PgOutputOldRow?, new: [PgOutputValue])
    /// `D`: a deleted row, by its old key or whole old row.
    case delete(relationID: UInt32, old: PgOutputOldRow)
    /// `T`: the relations were truncated.
    case truncate(relationIDs: [UInt32], cascade: Bool, restartIdentity: Bool)
    /// `Y`: a data type's name, for columns of types that are not built in.
    case type(id: UInt32, namespace: String, name: String)
    /// `O`: the changes come from another origin (replicated into this server).
    case origin(lsn: UInt64, name: String)
}

/// The old row of an update or delete: only its replica identity's key columns (the others
/// NULL), or every column.
public struct PgOutputOldRow: Equatable, Sendable {
    public var isWholeRow: Bool
    public var values: [PgOutputValue]

    public init(isWholeRow: Bool, values: [PgOutputValue]) {
        self.isWholeRow = isWholeRow
        self.values = values
    }
}

/// One column of a tuple.
public enum PgOutputValue: Equatable, Sendable {
    case null
    /// A TOASTed value that did not change; the message does not carry it.
    case unchangedToast
    /// The value in Postgres's text output format.
    case text([UInt8])
}

extension PgOutputMessage {
    /// Milliseconds between the Unix epoch and Postgres's (2000-01-01 UTC).
    static let postgresEpochMillis: Int64 = 946_684_800_000

    /// A pgoutput time (microseconds since 2000-01-01 UTC) as milliseconds since the Unix epoch.
    static func unixMillis(postgresMicros: Int64) -> Int64 {
        postgresMicros / 1000 + postgresEpochMillis
    }
}
