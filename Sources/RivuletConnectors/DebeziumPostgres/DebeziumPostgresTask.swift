#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CRdKafka
import Foundation
public import RivuletCore
import RivuletRuntime

/// A Debezium Postgres source connector: one replication slot over the captured tables, each
/// table's changes written to the topic `<topic.prefix>.<schema>.<table>` as Debezium's change
/// events (`DebeziumEventEncoder`), keyed by the primary key.
///
/// A first start creates the slot with an exported snapshot and writes every row of the tables
/// in it (`op` `r`), then streams what committed after it (`c`, `u`, `d`, and a tombstone after
/// each delete). As Flink's ChangelogNormalize does, it keeps each key's current row, so an
/// update's `before` is the whole old row even when Postgres sends only the key.
///
/// Delivery is at least once. About every second the producer is flushed (every event up to
/// then acknowledged by the brokers), then the position (the end of the last transaction
/// written) and the kept rows are saved to `state` in the connector's folder, and only then
/// confirmed to the slot. A restart resumes from the saved position: the transactions written
/// after the last save are written again, nothing is lost. A start without a saved state (a
/// crash inside the snapshot) drops the slot and snapshots again.
public final class DebeziumPostgresTask {
    private static let stateMagic = Array("RVDBZ01\n".utf8)

    private struct Table {
        var schema: String
        var table: String
        var topicName: String
        var topic: OpaquePointer
        var changelog: PostgresChangelog
        var encoder: DebeziumEventEncoder
    }

    public let name: String
    private let options: DebeziumPostgresOptions
    private let statePath: String
    private var tables: [Table] = []
    private var producer: KafkaClient?
    private let reports = KafkaDeliveryReports()
    private var replication: ReplicationConnection?
    /// The end of the last transaction written: where a restart streams from.
    public private(set) var position: UInt64 = 0
    private var savedPosition: UInt64 = 0
    private var dirty = false
    private var lastSaveNanos: UInt64 = 0
    private var lastStatusNanos: UInt64 = 0
    private var serverPosition: UInt64 = 0
    /// The open transaction's id and commit time (from its Begin).
    private var origin = DebeziumEventEncoder.Origin(snapshot: false, transactionID: nil, commitMillis: 0, lsn: 0)
    /// Events handed to the producer.
    public private(set) var eventsWritten = 0
    /// How often the producer is flushed and the position saved and confirmed.
    private let saveIntervalNanos: UInt64

    public init(name: String, options: DebeziumPostgresOptions, folder: String, saveIntervalMillis: Int = 1000) throws {
        self.name = name
        self.options = options
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        statePath = folder + "/state"
        saveIntervalNanos = UInt64(saveIntervalMillis) * 1_000_000
    }

    deinit {
        for table in tables { rd_kafka_topic_destroy(table.topic) }
    }

    /// The topics written, once started.
    public var topics: [String] { tables.map(\.topicName) }

    /// Reads what the slot has and writes it; false when nothing came.
    public func step() throws -> Bool {
        if replication == nil { try start() }
        var received = false
        for _ in 0..<4096 {
            guard let bytes = try replication!.receive(waitMillis: received ? 0 : 100) else { break }
            received = true
            try handle(bytes)
        }
        if let producer { rd_kafka_poll(producer.handle, 0) }
        try checkReports()
        // The snapshot saves and confirms as it ends, so these can be later than a clock read before.
        if SystemClock.monotonicNanos() > lastSaveNanos + saveIntervalNanos { try save() }
        if SystemClock.monotonicNanos() > lastStatusNanos + 1_000_000_000 { try sendStatus() }
        return received
    }

    /// Flushes what was written and saves the position, then stops reading.
    public func close() {
        try? save()
        replication = nil
    }

    /// Drops the connector's replication slot (the connector must be closed) and its saved state.
    public func dropSlot() throws {
        try? FileManager.default.removeItem(atPath: statePath)
        let connection = try connect()
        let deadline = SystemClock.monotonicNanos() + 10_000_000_000
        while true {
            do {
                _ = try connection.query(
                    "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1", parameters: [Array(options.slot.utf8)])
                return
            } catch {
                // The slot stays active for a moment after its connection closed.
                guard error.message.contains("is active"), SystemClock.monotonicNanos() < deadline else { throw error.sqlError }
            }
            usleep(100_000)
        }
    }

    // MARK: - Starting

    private func connect() throws -> PostgresConnection {
        do { return try PostgresConnection(options.connectionParameters, location: options.location) } catch { throw error.sqlError }
    }

    private func run<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let failure as PostgresConnection.Failure { throw failure.sqlError }
    }

    private func start() throws {
        let connection = try connect()
        let described = try describeTables(on: connection)
        let producer = try makeProducer()
        self.producer = producer
        tables = []
        for (schema, table, fields, key) in described {
            let topicName = options.topic(schema: schema, table: table)
            _ = try producer.ensureTopic(topicName, partitions: 1, timeoutMillis: 10_000)
            guard let topic = rd_kafka_topic_new(producer.handle, topicName, nil) else {
                throw SQLError(.invalidParameterValue, "invalid Kafka topic name '\(topicName)'")
            }
            tables.append(Table(
                schema: schema, table: table, topicName: topicName, topic: topic,
                changelog: PostgresChangelog(schema: schema, table: table, fields: fields, primaryKey: key, position: 0),
                encoder: DebeziumEventEncoder(fields: fields, primaryKey: key, connectorName: options.topicPrefix, database: options.database,
                                              schema: schema, table: table)))
        }
        let names = tables.map { "\(PostgresCDCTable.quoted($0.schema)).\(PostgresCDCTable.quoted($0.table))" }
        let publication = try run { try connection.query("SELECT 1 FROM pg_publication WHERE pubname = $1", parameters: [Array(options.publication.utf8)]) }
        if publication.isEmpty {
            try run { try connection.execute("CREATE PUBLICATION \(PostgresCDCTable.quoted(options.publication)) FOR TABLE \(names.joined(separator: ", "))") }
        }
        let replication = try ReplicationConnection(options.connectionParameters, location: options.location)
        if try !restore() {
            let exists = try run { try connection.query("SELECT 1 FROM pg_replication_slots WHERE slot_name = $1", parameters: [Array(options.slot.utf8)]) }
            if !exists.isEmpty { try replication.command("DROP_REPLICATION_SLOT \(options.slot) WAIT") }
            let created = try replication.command(
                "CREATE_REPLICATION_SLOT \(options.slot) LOGICAL pgoutput \(options.snapshot ? "EXPORT_SNAPSHOT" : "NOEXPORT_SNAPSHOT")")
            guard let row = created.first, row.count >= 3, let point = row[1].flatMap(LogSequenceNumber.parse) else {
                throw SQLError(.ioError, "Postgres at \(options.location) did not say where slot '\(options.slot)' starts")
            }
            position = point
            for index in tables.indices { tables[index].changelog.restart(at: point) }
            if options.snapshot, let snapshot = row[2] { try readSnapshot(snapshot, on: connection, at: point) }
            try save()
        }
        savedPosition = position
        try replication.startStreaming(slot: options.slot, from: position, publication: options.publication)
        self.replication = replication
    }

    /// Each captured table's columns (as types this side reads), and its key: the primary key,
    /// or every column under `REPLICA IDENTITY FULL`.
    private func describeTables(on connection: PostgresConnection) throws -> [(String, String, [Field], [Int])] {
        var names = options.tables
        if names.isEmpty {
            names = try run {
                try connection.query("""
                    SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
                    ORDER BY 1, 2
                    """, parameters: [])
            }.map { ($0[0] ?? "", $0[1] ?? "") }
        }
        var described: [(String, String, [Field], [Int])] = []
        for (schema, table) in names {
            let parameters = [Array(schema.utf8), Array(table.utf8)]
            guard let identity = try run({ try connection.query(PostgresCDCTable.describe, parameters: parameters) }).first else {
                throw SQLError(.undefinedTable, "Postgres at \(options.location) has no table \(schema).\(table)",
                               hint: "'table.include.list' names tables as schema.table")
            }
            let columns = try run {
                try connection.query("""
                    SELECT a.attname, t.typname, a.atttypmod FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
                    WHERE a.attrelid = (SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2)
                      AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum
                    """, parameters: parameters)
            }
            let fields = columns.map { Field($0[0] ?? "", Self.type(of: $0[1] ?? "", modifier: Int($0[2] ?? "") ?? -1)) }
            let keyNames = identity[1].map { $0.split(separator: ",").map(String.init) } ?? []
            var key = keyNames.compactMap { name in fields.firstIndex { $0.name == name } }
            if key.isEmpty {
                guard identity[0] == "f" else {
                    throw SQLError(.invalidParameterValue, "Postgres table \(schema).\(table) has no primary key, so its updates and deletes do not say which row they change",
                                   hint: "add a primary key, or run ALTER TABLE \(schema).\(table) REPLICA IDENTITY FULL")
                }
                key = Array(fields.indices)
            }
            described.append((schema, table, fields, key))
        }
        guard !described.isEmpty else {
            throw SQLError(.invalidParameterValue, "Postgres at \(options.location) has no tables to capture", hint: "create them, or name them in 'table.include.list'")
        }
        return described
    }

    /// The type a Postgres column's text is read as; types without a counterpart stay text.
    static func type(of name: String, modifier: Int) -> SQLType {
        switch name {
        case "int2", "int4": return .integer
        case "int8": return .bigint
        case "float4", "float8": return .double
        case "bool": return .boolean
        case "numeric" where modifier >= 4:
            return .decimal(precision: ((modifier - 4) >> 16) & 0xFFFF, scale: (modifier - 4) & 0xFFFF)
        case "timestamp": return .timestamp(precision: 6)
        case "date": return .date
        default: return .varchar
        }
    }

    private func makeProducer() throws -> KafkaClient {
        let reports = reports
        return try KafkaClient(
            .producer,
            properties: [("bootstrap.servers", options.bootstrapServers), ("log_level", "2"), ("partitioner", "murmur2_random"),
                         ("enable.idempotence", "true"), ("linger.ms", "20")]
        ) { conf in
            reports.install(on: conf)
        }
    }

    /// Every table's rows in the slot's exported snapshot, as `r` events.
    private func readSnapshot(_ snapshot: String, on connection: PostgresConnection, at point: UInt64) throws {
        try run {
            try connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
            try connection.execute("SET TRANSACTION SNAPSHOT '\(snapshot)'")
        }
        let now = SystemClock.wallMillis()
        for index in tables.indices {
            let names = tables[index].changelog.fields.map { PostgresCDCTable.quoted($0.name) + "::text" }.joined(separator: ", ")
            let rows = try run {
                try connection.query(
                    "SELECT \(names) FROM \(PostgresCDCTable.quoted(tables[index].schema)).\(PostgresCDCTable.quoted(tables[index].table))", parameters: [])
            }
            let origin = DebeziumEventEncoder.Origin(snapshot: true, transactionID: nil, commitMillis: now, lsn: point)
            for row in rows {
                let change = try tables[index].changelog.snapshotRow(row.map { $0.map { Array($0.utf8) } })
                try produce(index, op: "r", before: nil, after: change.row, origin: origin)
            }
        }
        try run { try connection.execute("COMMIT") }
    }

    // MARK: - Streaming

    private func handle(_ bytes: [UInt8]) throws {
        switch try ReplicationMessage.decode(bytes) {
        case .xLogData(_, let walEnd, _, let data):
            serverPosition = max(serverPosition, walEnd)
            let message = try PgOutputDecoder.decode(data, from: options.location)
            if case .begin(let finalLSN, let commitTime, let xid) = message {
                origin = DebeziumEventEncoder.Origin(snapshot: false, transactionID: xid, commitMillis: PgOutputMessage.unixMillis(postgresMicros: commitTime), lsn: finalLSN)
            }
            for index in tables.indices {
                let changes = try tables[index].changelog.received(message)
                var next = 0
                while next < changes.count {
                    let change = changes[next]
                    next += 1
                    switch change.kind {
                    case .insert:
                        try produce(index, op: "c", before: nil, after: change.row, origin: origin)
                    case .updateBefore:
                        // Always followed by its +U.
                        let after = changes[next]
                        next += 1
                        try produce(index, op: "u", before: change.row, after: after.row, origin: origin)
                    case .updateAfter:
                        try produce(index, op: "u", before: nil, after: change.row, origin: origin)
                    case .delete:
                        try produce(index, op: "d", before: change.row, after: nil, origin: origin)
                    }
                }
            }
            if case .commit(_, let endLSN, _) = message, endLSN > position {
                position = endLSN
                dirty = true
            }
        case .keepalive(let walEnd, _, let replyRequested):
            serverPosition = max(serverPosition, walEnd)
            if !tables.contains(where: { $0.changelog.inTransaction }) {
                for index in tables.indices { tables[index].changelog.skipped(to: walEnd) }
                if walEnd > position {
                    position = walEnd
                    dirty = true
                }
            }
            if replyRequested { try sendStatus() }
        }
    }

    private func produce(_ index: Int, op: String, before: [Value]?, after: [Value]?, origin: DebeziumEventEncoder.Origin) throws {
        let encoder = tables[index].encoder
        let key = encoder.key(after ?? before!)
        let value = encoder.value(op: op, before: before, after: after, origin: origin, nowMillis: SystemClock.wallMillis())
        try send(tables[index], key: key, value: value)
        if op == "d", options.tombstones { try send(tables[index], key: key, value: nil) }
        eventsWritten += 1
        dirty = true
    }

    private func send(_ table: Table, key: [UInt8], value: [UInt8]?) throws {
        let started = SystemClock.monotonicNanos()
        while true {
            let error = key.withUnsafeBufferPointer { key in
                if let value {
                    return value.withUnsafeBufferPointer { value in
                        rivulet_kafka_produce(producer!.handle, table.topic, -1, value.baseAddress, value.count, key.baseAddress, key.count, 0)
                    }
                }
                return rivulet_kafka_produce(producer!.handle, table.topic, -1, nil, 0, key.baseAddress, key.count, 0)
            }
            if error == RD_KAFKA_RESP_ERR_NO_ERROR { return }
            guard error == RD_KAFKA_RESP_ERR__QUEUE_FULL else {
                throw SQLError(.ioError, "cannot produce to Kafka topic '\(table.topicName)': \(KafkaClient.describe(error))")
            }
            rd_kafka_poll(producer!.handle, 100)
            try checkReports()
            if SystemClock.monotonicNanos() - started > 60_000_000_000 {
                throw SQLError(.connectionFailure, "Kafka topic '\(table.topicName)': the producer queue stayed full for 60 s",
                               hint: "check that the brokers at \(options.bootstrapServers) are running")
            }
        }
    }

    private func checkReports() throws {
        guard reports.failed > 0 else { return }
        throw SQLError(.connectionFailure, "Kafka did not take \(reports.failed) of the connector's events: \(reports.firstError ?? "")")
    }

    // MARK: - Saving

    /// Flushes the producer, saves the position and the kept rows, then confirms the position
    /// to the slot.
    private func save() throws {
        lastSaveNanos = SystemClock.monotonicNanos()
        guard dirty, let producer else { return }
        let error = rd_kafka_flush(producer.handle, 60_000)
        try checkReports()
        if error != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw SQLError(.connectionFailure, "\(rd_kafka_outq_len(producer.handle)) of the connector's events still undelivered after 60 s",
                           hint: "check that the brokers at \(options.bootstrapServers) are running")
        }
        var writer = StateWriter()
        writer.write(position)
        writer.write(tables.count)
        for table in tables {
            writer.write("\(table.schema).\(table.table)")
            writer.write(table.changelog.rows.count)
            for (_, row) in table.changelog.rows { writer.write(row: row) }
        }
        try DurableFile.write(writer.bytes, to: statePath, magic: Self.stateMagic)
        savedPosition = position
        dirty = false
        try sendStatus()
    }

    /// Reads the saved state into the tables; false when there is none.
    private func restore() throws -> Bool {
        guard let payload = try DurableFile.read(statePath, magic: Self.stateMagic) else { return false }
        var reader = StateReader(payload)
        position = try reader.readUInt64()
        let count = try reader.readCount()
        guard count == tables.count else {
            throw SQLError(.invalidParameterValue, "connector '\(name)' captured \(count) tables and now \(tables.count)",
                           hint: "drop the connector and create it again to capture other tables")
        }
        for index in tables.indices {
            let saved = try reader.readString()
            guard saved == "\(tables[index].schema).\(tables[index].table)" else {
                throw SQLError(.invalidParameterValue, "connector '\(name)' captured \(saved), which it no longer does",
                               hint: "drop the connector and create it again to capture other tables")
            }
            var rows: [[Value]: [Value]] = [:]
            let key = tables[index].changelog.primaryKey
            for _ in 0..<(try reader.readCount()) {
                let row = try reader.readRow()
                rows[key.map { row[$0] }] = row
            }
            tables[index].changelog.restart(at: position, rows: rows)
        }
        return true
    }

    private func sendStatus() throws {
        guard let replication else { return }
        lastStatusNanos = SystemClock.monotonicNanos()
        let postgresEpochMicros = (SystemClock.wallMillis() - 946_684_800_000) * 1000
        try replication.send(StandbyStatusUpdate(written: max(serverPosition, savedPosition), flushed: savedPosition, applied: savedPosition,
                                                 clientTime: postgresEpochMicros).bytes)
    }
}
