#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RivuletCore
import RivuletPlanner
import RivuletRuntime

/// Reads one Postgres table's changes over logical replication (`pgoutput`) as a changelog.
///
/// A fresh start drops the query's slot if one is left over, creates it with an exported
/// snapshot, reads the table in that snapshot (`+I` rows), then streams what committed after
/// the slot's consistent point. The checkpoint holds the WAL position of the last transaction
/// given out, each key's current row (`PostgresChangelog`) and the rows decoded but not yet
/// returned; a restarted query streams on from that position. The slot is told a position
/// (standby status update) only once a checkpoint holding it has committed, so Postgres keeps
/// the WAL a restart needs, and discards it after.
final class PostgresCDCSourceReader: CheckpointableSource, ChangeFollowingSource {
    /// 2: queued changes carry their commit time.
    private static let positionFormat: Int64 = 2

    /// Where each requested column comes from.
    private enum Slot {
        case field(Int)
        case commitTime
        case constant(Value)
    }

    /// Flink CDC's metadata keys this source fills.
    static let metadataKeys = ["op_ts", "table_name", "schema_name", "database_name"]

    private let options: PostgresCDCOptions
    private let slots: [Slot]
    private let types: [SQLType]
    private var changelog: PostgresChangelog
    private var restored = false
    private var replication: ReplicationConnection?
    /// Changes decoded and not yet returned.
    private var queue: [PostgresChangelog.Change] = []
    private var queueStart = 0
    /// Bounded: the end of the WAL when the read started; the read ends once it got there.
    private var end: UInt64?
    private var finished = false
    /// The server's WAL position in its latest message.
    private var serverPosition: UInt64 = 0
    /// The position in the checkpoint last saved, and the one confirmed to the slot.
    private var savedPosition: UInt64?
    private var confirmed: UInt64 = 0
    private var lastStatusNanos: UInt64 = 0

    init(relation: Relation, columns: [Int], options: PostgresCDCOptions) {
        self.options = options
        types = columns.map { relation.schema[$0].type }
        // The table's own columns, without the metadata ones.
        let table = relation.written
        slots = columns.map { column in
            switch relation.metadataKey(of: column) {
            case "op_ts": return .commitTime
            case "table_name": return .constant(.string(options.table))
            case "schema_name": return .constant(.string(options.schema))
            case "database_name": return .constant(.string(options.database))
            default: return .field(table.schema.firstIndex(of: relation.schema[column].name)!)
            }
        }
        changelog = PostgresChangelog(
            schema: options.schema, table: options.table, fields: table.schema.fields, primaryKey: table.primaryKey, position: 0)
    }

    func nextBatch(maxRows: Int) throws -> RowBatch? {
        if replication == nil { try start() }
        var batch = RowBatch(types: types)
        while batch.count < maxRows {
            if queueStart < queue.count {
                let change = queue[queueStart]
                queueStart += 1
                batch.appendRow(slots.map { slot in
                    switch slot {
                    case .field(let index): change.row[index]
                    case .commitTime: .timestamp(change.commitMillis)
                    case .constant(let value): value
                    }
                }, kind: change.kind)
                continue
            }
            queue.removeAll(keepingCapacity: true)
            queueStart = 0
            if finished { break }
            guard try receive(waitMillis: batch.count == 0 ? 100 : 0) else { break }
        }
        try sendStatusIfDue()
        if finished, batch.count == 0 { return nil }
        return batch
    }

    /// Reads one message of the stream into the queue; false when none came.
    private func receive(waitMillis: Int32) throws -> Bool {
        guard let bytes = try replication!.receive(waitMillis: waitMillis) else {
            if let end, !changelog.inTransaction {
                if changelog.position >= end || serverPosition >= end {
                    finished = true
                    return true
                }
                // A keepalive says how far the server has decoded; ask for one.
                try sendStatus(replyRequested: true)
            }
            return false
        }
        switch try ReplicationMessage.decode(bytes) {
        case .xLogData(_, let walEnd, _, let data):
            serverPosition = max(serverPosition, walEnd)
            let message = try PgOutputDecoder.decode(data, from: options.location)
            queue += try changelog.received(message)
        case .keepalive(let walEnd, _, let replyRequested):
            serverPosition = max(serverPosition, walEnd)
            // Everything before the keepalive was read: with no transaction open, a restart may begin here.
            changelog.skipped(to: walEnd)
            if replyRequested { try sendStatus(replyRequested: false) }
        }
        return true
    }

    /// Connects, checks the table, and begins streaming (after the snapshot, on a fresh start).
    private func start() throws {
        let connection: PostgresConnection
        do {
            connection = try PostgresConnection(options.connectionParameters, location: options.location)
            try PostgresCDCTable.check(options, declaredKey: changelog.primaryKey.map { changelog.fields[$0].name }, on: connection)
        } catch let failure as PostgresConnection.Failure {
            throw failure.sqlError
        }
        let replication = try ReplicationConnection(options.connectionParameters, location: options.location)
        if !restored {
            let exists = try run { try connection.query("SELECT 1 FROM pg_replication_slots WHERE slot_name = $1", parameters: [Array(options.slot.utf8)]) }
            if !exists.isEmpty { try replication.command("DROP_REPLICATION_SLOT \(options.slot) WAIT") }
            let created = try replication.command(
                "CREATE_REPLICATION_SLOT \(options.slot) LOGICAL pgoutput \(options.snapshot ? "EXPORT_SNAPSHOT" : "NOEXPORT_SNAPSHOT")")
            guard let row = created.first, row.count >= 3, let point = row[1].flatMap(LogSequenceNumber.parse) else {
                throw SQLError(.ioError, "Postgres at \(options.location) did not say where slot '\(options.slot)' starts")
            }
            changelog = PostgresChangelog(schema: changelog.schema, table: changelog.table, fields: changelog.fields,
                                          primaryKey: changelog.primaryKey, position: point)
            if options.snapshot, let snapshot = row[2] { try readSnapshot(snapshot, on: connection) }
        }
        if options.bounded {
            let current = try run { try connection.query("SELECT pg_current_wal_lsn()::text", parameters: []) }
            guard let text = current.first?.first ?? nil, let lsn = LogSequenceNumber.parse(text) else {
                throw SQLError(.ioError, "Postgres at \(options.location) did not say where its WAL ends")
            }
            end = lsn
        }
        confirmed = changelog.position
        try replication.startStreaming(slot: options.slot, from: changelog.position, publication: options.publication)
        self.replication = replication
    }

    /// The table as it was at the slot's consistent point, through its exported snapshot.
    private func readSnapshot(_ snapshot: String, on connection: PostgresConnection) throws {
        let names = changelog.fields.map { PostgresCDCTable.quoted($0.name) + "::text" }.joined(separator: ", ")
        let rows = try run { () throws -> [[String?]] in
            try connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
            try connection.execute("SET TRANSACTION SNAPSHOT '\(snapshot)'")
            let rows = try connection.query("SELECT \(names) FROM \(PostgresCDCTable.quoted(options.schema)).\(PostgresCDCTable.quoted(options.table))",
                                            parameters: [])
            try connection.execute("COMMIT")
            return rows
        }
        for row in rows { queue.append(try changelog.snapshotRow(row.map { $0.map { Array($0.utf8) } })) }
    }

    private func sendStatusIfDue() throws {
        if SystemClock.monotonicNanos() - lastStatusNanos > 1_000_000_000 { try sendStatus(replyRequested: false) }
    }

    private func sendStatus(replyRequested: Bool) throws {
        guard let replication else { return }
        let now = SystemClock.monotonicNanos()
        // Asking for keepalives at most every 100 ms.
        if replyRequested, now - lastStatusNanos < 100_000_000 { return }
        lastStatusNanos = now
        let postgresEpochMicros = (SystemClock.wallMillis() - PgOutputMessage.postgresEpochMillis) * 1000
        try replication.send(StandbyStatusUpdate(written: max(serverPosition, confirmed), flushed: confirmed, applied: confirmed,
                                                 clientTime: postgresEpochMicros, replyRequested: replyRequested).bytes)
    }

    /// Runs queries on a plain connection, its failures as SQL errors.
    private func run<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let failure as PostgresConnection.Failure { throw failure.sqlError }
    }

    func savePosition(into writer: inout StateWriter) throws {
        writer.write(Self.positionFormat)
        writer.write(changelog.position)
        writer.write(changelog.rows.count)
        for (_, row) in changelog.rows { writer.write(row: row) }
        writer.write(queue.count - queueStart)
        for change in queue[queueStart...] {
            writer.write(Int64(change.kind.rawValue))
            writer.write(row: change.row)
            writer.write(change.commitMillis)
        }
        savedPosition = changelog.position
    }

    func restorePosition(from reader: inout StateReader) throws {
        let format = try reader.readInt64()
        guard format == 1 || format == Self.positionFormat else {
            throw SQLError(.ioError, "checkpoint is damaged: found Postgres CDC positions written by another version of the format",
                           hint: "remove the query's folder under <data-dir>/queries to start it afresh")
        }
        let position = try reader.readUInt64()
        var rows: [[Value]: [Value]] = [:]
        for _ in 0..<(try reader.readCount()) {
            let row = try reader.readRow()
            rows[changelog.primaryKey.map { row[$0] }] = row
        }
        changelog = PostgresChangelog(schema: changelog.schema, table: changelog.table, fields: changelog.fields,
                                      primaryKey: changelog.primaryKey, position: position, rows: rows)
        queue = []
        queueStart = 0
        for _ in 0..<(try reader.readCount()) {
            guard let kind = RowKind(rawValue: UInt8(clamping: try reader.readInt64())) else { throw SQLError(.ioError, "checkpoint is damaged: a bad row kind") }
            let row = try reader.readRow()
            queue.append(PostgresChangelog.Change(kind: kind, row: row, commitMillis: format == 1 ? 0 : try reader.readInt64()))
        }
        restored = true
    }

    func checkpointCompleted(_ checkpoint: Int64) {
        guard let savedPosition, savedPosition > confirmed else { return }
        confirmed = savedPosition
        // A failed update only delays it: the next one says the same.
        try? sendStatus(replyRequested: false)
    }
}
