import Foundation
public import RivuletCore
import RivuletPlanner
public import RivuletRuntime

/// Writes a changelog into a Postgres table through libpq, upserting by the primary key.
///
/// Rows are buffered between commits, folded by key: `+I` / `+U` leave the row, `-U` / `-D` a
/// deletion (a `+U` after a `-U` overwrites it), so a commit sends each changed key once, in
/// multi-row `DELETE ... WHERE (key) IN (...)` and `INSERT ... ON CONFLICT (key) DO UPDATE`
/// statements inside one transaction. Without a primary key rows are appended and retractions
/// refused. Under checkpoints (`TransactionalSink`) a commit happens only at a checkpoint and
/// records the checkpoint in `_rivulet_checkpoints(query_id, checkpoint_id, instance)` in the
/// same transaction; otherwise each `flush` commits.
///
/// When the server cannot be reached (it restarted, the network broke) the sink reconnects and
/// retries the whole transaction with exponential backoff, up to `sink.retry-timeout`, holding
/// the query (and so its sources) meanwhile; nothing buffered is dropped. A commit whose outcome
/// was lost with the connection is checked against the recorded checkpoint before it is retried.
public final class PostgresSinkWriter: TransactionalSink {
    private enum Change {
        case upsert([Value])
        case delete
    }

    private let options: PostgresOptions
    private let relation: Relation
    private let names: [String]
    private let types: [SQLType]
    private let key: [Int]
    private var connection: PostgresConnection?
    private var changes: [[Value]: Change] = [:]
    private var appended: [[Value]] = []
    private var checkpointing = false
    private let log: (String) -> Void
    private let health: SinkHealth

    public static let bookkeepingTable = "_rivulet_checkpoints"
    /// Rows per multi-row statement (Postgres allows at most 65535 parameters per statement).
    private var rowsPerStatement: Int { max(1, min(1000, 65_000 / max(1, names.count))) }

    init(
        relation: Relation, options: PostgresOptions, health: SinkHealth = SinkHealth(),
        log: @escaping (String) -> Void = PostgresSinkWriter.standardErrorLog
    ) throws {
        self.options = options
        self.health = health
        self.relation = relation
        names = relation.schema.names
        types = relation.schema.types
        key = relation.primaryKey
        self.log = log
        try retrying("opening the table") {
            try PostgresTable.ensure(try connected(), relation: relation, options: options)
        }
    }

    static func standardErrorLog(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    public func write(_ batch: RowBatch) throws {
        guard batch.count > 0 else { return }
        if key.isEmpty, let kinds = batch.kinds, let change = kinds.first(where: { $0 != .insert }) {
            throw SQLError(
                .featureNotSupported,
                "sink '\(relation.name)' (Postgres table \(options.schema).\(options.table)) has no primary key, so it cannot apply changelog row \(change)",
                hint: "declare PRIMARY KEY (...) NOT ENFORCED on the sink")
        }
        for row in 0..<batch.count {
            let values = batch.row(row, types: types)
            if key.isEmpty {
                appended.append(values)
                continue
            }
            let keyValues = key.map { values[$0] }
            changes[keyValues] = batch.kind(row).isAccumulate ? .upsert(values) : .delete
        }
    }

    public func flush() throws {
        guard !checkpointing else { return }
        try retrying("writing") { try send(mark: nil) }
    }

    public func close() throws {
        if !checkpointing { try flush() }
        connection = nil
    }

    public func beginCheckpointing(query: String) throws -> CheckpointMark? {
        checkpointing = true
        return try retrying("reading the checkpoint table") { try recordedMark(query: query) }
    }

    public func commit(_ mark: CheckpointMark) throws {
        var attempted = false
        try retrying("committing checkpoint \(mark.checkpoint)") {
            // A commit whose answer was lost may have gone through.
            if attempted, try recordedMark(query: mark.query) == mark { return }
            attempted = true
            try send(mark: mark)
        }
    }

    private func connected() throws -> PostgresConnection {
        if let connection, !connection.isBroken { return connection }
        connection = nil
        let fresh = try PostgresConnection(options.connectionParameters, location: options.location)
        connection = fresh
        return fresh
    }

    private func recordedMark(query: String) throws -> CheckpointMark? {
        let connection = try connected()
        try connection.execute(
            "CREATE TABLE IF NOT EXISTS \(Self.bookkeepingTable) (query_id text PRIMARY KEY, checkpoint_id bigint NOT NULL, instance text NOT NULL)")
        let rows = try connection.query(
            "SELECT checkpoint_id, instance FROM \(Self.bookkeepingTable) WHERE query_id = $1", parameters: [Array(query.utf8)])
        guard let row = rows.first, let id = row[0].flatMap({ Int64($0) }), let instance = row[1] else { return nil }
        return CheckpointMark(query: query, instance: instance, checkpoint: id)
    }

    /// Sends everything buffered (and the mark) in one transaction; the buffer is cleared only
    /// once the transaction committed.
    private func send(mark: CheckpointMark?) throws {
        guard mark != nil || !changes.isEmpty || !appended.isEmpty else { return }
        let connection = try connected()
        try connection.execute("BEGIN")
        do {
            let table = PostgresTable.qualified(options)
            let columnList = names.map(PostgresTable.quoted).joined(separator: ", ")
            var deletions: [[Value]] = []
            var upserts: [[Value]] = []
            for (keyValues, change) in changes {
                switch change {
                case .delete: deletions.append(keyValues)
                case .upsert(let values): upserts.append(values)
                }
            }
            if !deletions.isEmpty {
                let keyList = key.map { PostgresTable.quoted(names[$0]) }.joined(separator: ", ")
                let keyTypes = key.map { types[$0] }
                for chunk in Self.chunks(deletions, of: rowsPerStatement) {
                    let (tuples, parameters) = Self.tuples(chunk, types: keyTypes)
                    try connection.query("DELETE FROM \(table) WHERE (\(keyList)) IN (\(tuples))", parameters: parameters)
                }
            }
            var upsertClause = ""
            if !key.isEmpty {
                let keyList = key.map { PostgresTable.quoted(names[$0]) }.joined(separator: ", ")
                let others = names.indices.filter { !key.contains($0) }
                upsertClause = others.isEmpty
                    ? " ON CONFLICT (\(keyList)) DO NOTHING"
                    : " ON CONFLICT (\(keyList)) DO UPDATE SET "
                        + others.map { "\(PostgresTable.quoted(names[$0])) = EXCLUDED.\(PostgresTable.quoted(names[$0]))" }.joined(separator: ", ")
            }
            for chunk in Self.chunks(upserts + appended, of: rowsPerStatement) {
                let (tuples, parameters) = Self.tuples(chunk, types: types)
                try connection.query("INSERT INTO \(table) (\(columnList)) VALUES \(tuples)\(upsertClause)", parameters: parameters)
            }
            if let mark {
                try connection.query(
                    "INSERT INTO \(Self.bookkeepingTable) (query_id, checkpoint_id, instance) VALUES ($1, $2, $3) "
                        + "ON CONFLICT (query_id) DO UPDATE SET checkpoint_id = EXCLUDED.checkpoint_id, instance = EXCLUDED.instance",
                    parameters: [Array(mark.query.utf8), Array(String(mark.checkpoint).utf8), Array(mark.instance.utf8)])
            }
            try connection.execute("COMMIT")
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
        changes.removeAll(keepingCapacity: true)
        appended.removeAll(keepingCapacity: true)
    }

    /// Runs `body`, reconnecting and retrying with exponential backoff while the server cannot
    /// be reached, until `sink.retry-timeout` has passed.
    private func retrying<T>(_ doing: String, _ body: () throws -> T) throws -> T {
        let started = ContinuousClock.now
        var delay = Duration.milliseconds(100)
        var attempts = 0
        while true {
            do {
                let value = try body()
                if attempts > 0 {
                    health.recovered()
                    log("sink '\(relation.name)': Postgres at \(options.location) is back; \(doing) succeeded")
                }
                return value
            } catch let failure as PostgresConnection.Failure where failure.isConnectionLoss {
                connection = nil
                attempts += 1
                if ContinuousClock.now - started >= .milliseconds(options.retryTimeoutMillis) {
                    var error = failure.sqlError
                    error.message = "sink '\(relation.name)': \(doing) failed after \(attempts) attempts: \(failure.message)"
                    error.hint = "raise 'sink.retry-timeout' to wait longer for the server"
                    throw error
                }
                health.retrying(failure.message)
                if attempts == 1 || attempts % 10 == 0 {
                    log("sink '\(relation.name)': \(failure.message); retrying (\(doing)) with backoff")
                }
                Thread.sleep(forTimeInterval: Double(delay.components.attoseconds) / 1e18 + Double(delay.components.seconds))
                delay = min(delay * 2, .seconds(5))
            } catch let failure as PostgresConnection.Failure {
                throw failure.sqlError
            }
        }
    }

    private static func chunks(_ rows: [[Value]], of size: Int) -> [ArraySlice<[Value]>] {
        stride(from: 0, to: rows.count, by: size).map { rows[$0..<min(rows.count, $0 + size)] }
    }

    /// `($1, $2), ($3, $4), ...` and the values as text parameters.
    private static func tuples(_ rows: ArraySlice<[Value]>, types: [SQLType]) -> (String, [[UInt8]?]) {
        var text = ""
        var parameters: [[UInt8]?] = []
        var formatter = ValueText()
        for row in rows {
            if !text.isEmpty { text += ", " }
            text += "("
            for (i, value) in row.enumerated() {
                if i > 0 { text += ", " }
                parameters.append(Self.text(value, type: types[i], formatter: &formatter))
                text += "$\(parameters.count)"
            }
            text += ")"
        }
        return (text, parameters)
    }

    private static func text(_ value: Value, type: SQLType, formatter: inout ValueText) -> [UInt8]? {
        var out: [UInt8] = []
        switch value {
        case .null: return nil
        case .boolean(let b): return Array((b ? "true" : "false").utf8)
        case .int(let v), .interval(let v), .intervalMonths(let v): ValueText.appendInt(v, to: &out)
        case .double(let d): ValueText.appendDouble(d, to: &out)
        case .decimal(let unscaled, let scale): ValueText.appendDecimal(unscaled, scale: scale, to: &out)
        case .string(let s): return Array(s.utf8)
        case .timestamp(let millis): formatter.appendTimestamp(millis, to: &out)
        case .date(let days): formatter.appendDate(days: days, to: &out)
        case .array(let elements):
            let elementType: SQLType = if case .array(let t) = type { t } else { .null }
            let literal = PostgresArrayText.text(elements) { element in
                text(element, type: elementType, formatter: &formatter).map { String(decoding: $0, as: UTF8.self) }
            }
            return Array(literal.utf8)
        // ROW and MAP go to jsonb columns.
        case .map, .row: return Array(ValueJSON.text(value, type: type).utf8)
        }
        return out
    }
}
