import CSQLite
public import RivuletCore
import RivuletPlanner
public import RivuletRuntime

/// Writes a changelog into a SQLite table, upserting by the relation's primary key.
///
/// `+I` / `+U` become `INSERT ... ON CONFLICT (key) DO UPDATE`, `-D` a `DELETE` by key. A `-U`
/// is held back: the `+U` that normally follows for the same key overwrites the row anyway;
/// if none comes before the next `flush`, the row is deleted then, so the table always ends
/// in the changelog's final state. Without a primary key the sink appends and refuses
/// retractions. The database runs in WAL mode so readers never block the writer.
///
/// Rows are kept in memory until the next `flush` (or checkpoint) and written then, in one short
/// transaction: SQLite has one writer per database file at a time, so a sink holding a write
/// transaction open between flushes would lock out every other sink into the same file (they
/// failed with "database is locked"). Past `rowsPerTransaction` kept rows, they are written at
/// once (and committed, without checkpoints).
///
/// Under checkpoints (`TransactionalSink`) everything written between two checkpoints commits
/// only at the next checkpoint, in one transaction with the query's row in
/// `_rivulet_checkpoints(query_id, checkpoint_id, instance)`; a crash loses the rows not yet
/// committed, which the query reads again from the checkpoint the sink holds.
public final class SQLiteSinkWriter: TransactionalSink {
    private let database: SQLiteDatabase
    private let relationName: String
    private let table: String
    private let types: [SQLType]
    private let key: [Int]
    private let upsert: SQLiteStatement
    private let delete: SQLiteStatement?
    private var inTransaction = false
    /// Rows given to `write` and not yet written to the database, in order, as one batch.
    private var kept: RowBatch?
    /// Keys retracted by `-U` and not yet re-inserted.
    private var pendingRetractions: Set<[Value]> = []
    /// Commits happen only at checkpoints.
    private var checkpointing = false

    static let rowsPerTransaction = 100_000

    init(relation: Relation, options: SQLiteTableOptions, context: ConnectorContext) throws {
        relationName = relation.name
        table = options.table
        types = relation.schema.types
        let key = relation.primaryKey
        self.key = key
        let path = FileList.resolve(options.path, against: context.workingDirectory)
        database = try SQLiteDatabase(path: path)
        try database.execute("PRAGMA journal_mode=WAL")
        try database.execute("PRAGMA synchronous=NORMAL")
        let names = relation.schema.names
        try Self.ensureTable(database, table: table, relation: relation)
        let quotedTable = SQLiteDatabase.quoted(table)
        let columnList = names.map(SQLiteDatabase.quoted).joined(separator: ", ")
        let parameters = Array(repeating: "?", count: names.count).joined(separator: ", ")
        var sql = "INSERT INTO \(quotedTable) (\(columnList)) VALUES (\(parameters))"
        if !key.isEmpty {
            let keyList = key.map { SQLiteDatabase.quoted(names[$0]) }.joined(separator: ", ")
            let others = names.indices.filter { !key.contains($0) }
            if others.isEmpty {
                sql += " ON CONFLICT (\(keyList)) DO NOTHING"
            } else {
                let sets = others.map { "\(SQLiteDatabase.quoted(names[$0])) = excluded.\(SQLiteDatabase.quoted(names[$0]))" }
                sql += " ON CONFLICT (\(keyList)) DO UPDATE SET " + sets.joined(separator: ", ")
            }
            let condition = key.map { "\(SQLiteDatabase.quoted(names[$0])) = ?" }.joined(separator: " AND ")
            delete = try database.prepare("DELETE FROM \(quotedTable) WHERE \(condition)")
        } else {
            delete = nil
        }
        upsert = try database.prepare(sql)
    }

    /// Creates the table when missing; otherwise checks that its columns and key match.
    private static func ensureTable(_ database: SQLiteDatabase, table: String, relation: Relation) throws {
        let info = try database.prepare("PRAGMA table_info(\(SQLiteDatabase.quoted(table)))")
        var existing: [(name: String, pk: Int64)] = []
        while try info.step() { existing.append((info.string(1), info.int64(5))) }
        let names = relation.schema.names
        if existing.isEmpty {
            var columns = relation.schema.fields.map {
                "\(SQLiteDatabase.quoted($0.name)) \(SQLiteTableOptions.storageType($0.type))"
            }
            if !relation.primaryKey.isEmpty {
                columns.append("PRIMARY KEY (" + relation.primaryKey.map { SQLiteDatabase.quoted(names[$0]) }.joined(separator: ", ") + ")")
            }
            try database.execute("CREATE TABLE IF NOT EXISTS \(SQLiteDatabase.quoted(table)) (\(columns.joined(separator: ", ")))")
            return
        }
        let existingNames = existing.map(\.name)
        let declaredKey = relation.primaryKey.map { names[$0].lowercased() }
        let existingKey = existing.filter { $0.pk > 0 }.sorted { $0.pk < $1.pk }.map { $0.name.lowercased() }
        guard existingNames.map({ $0.lowercased() }) == names.map({ $0.lowercased() }) else {
            throw SQLError(
                .datatypeMismatch,
                "SQLite table '\(table)' in '\(database.path)' has columns (\(existingNames.joined(separator: ", "))), but sink '\(relation.name)' declares (\(names.joined(separator: ", ")))",
                hint: "drop or rename the existing table, or declare the sink with the table's columns")
        }
        guard Set(existingKey) == Set(declaredKey) else {
            let shown = existingKey.isEmpty ? "no primary key" : "primary key (\(existingKey.joined(separator: ", ")))"
            throw SQLError(
                .datatypeMismatch,
                "SQLite table '\(table)' in '\(database.path)' has \(shown), but sink '\(relation.name)' declares primary key (\(declaredKey.joined(separator: ", ")))",
                hint: "drop or rename the existing table, or declare the sink with the table's key")
        }
    }

    deinit {
        if inTransaction { try? database.execute("ROLLBACK") }
    }

    public func write(_ batch: RowBatch) throws {
        guard batch.count > 0 else { return }
        if key.isEmpty, let kinds = batch.kinds, let change = kinds.first(where: { $0 != .insert }) {
            throw SQLError(
                .featureNotSupported,
                "sink '\(relationName)' (sqlite table '\(table)') has no primary key, so it cannot apply changelog row \(change)",
                hint: "declare PRIMARY KEY (...) NOT ENFORCED on the sink")
        }
        if kept == nil { kept = RowBatch(types: types) }
        kept!.append(contentsOf: batch)
        if kept!.count >= Self.rowsPerTransaction {
            try writeKept()
            if !checkpointing { try commit() }
        }
    }

    /// Writes the kept rows into the open transaction (opening one).
    private func writeKept() throws {
        guard let batch = kept, batch.count > 0 else { return }
        if !inTransaction {
            try database.execute("BEGIN IMMEDIATE")
            inTransaction = true
        }
        try apply(batch)
        kept = nil
    }

    private func apply(_ batch: RowBatch) throws {
        for row in 0..<batch.count {
            switch batch.kind(row) {
            case .insert, .updateAfter:
                if !pendingRetractions.isEmpty { pendingRetractions.remove(keyValues(batch, row)) }
                bindAll(upsert, batch, row, columns: Array(types.indices))
                try upsert.step()
                upsert.reset()
            case .updateBefore:
                pendingRetractions.insert(keyValues(batch, row))
            case .delete:
                if !pendingRetractions.isEmpty { pendingRetractions.remove(keyValues(batch, row)) }
                guard let delete else { continue }
                bindAll(delete, batch, row, columns: key)
                try delete.step()
                delete.reset()
            }
        }
    }

    public func flush() throws {
        guard !checkpointing else { return }
        try writeKept()
        try applyPendingRetractions()
        try commit()
    }

    public func close() throws {
        if checkpointing {
            // Whatever no checkpoint covers is not the sink's to keep.
            kept = nil
            if inTransaction { try database.execute("ROLLBACK") }
            inTransaction = false
            return
        }
        try flush()
    }

    public static let bookkeepingTable = "_rivulet_checkpoints"

    public func beginCheckpointing(query: String) throws -> CheckpointMark? {
        try writeKept()
        if inTransaction { try commit() }
        checkpointing = true
        try database.execute("PRAGMA synchronous=FULL")
        try database.execute(
            "CREATE TABLE IF NOT EXISTS \(Self.bookkeepingTable) (query_id TEXT PRIMARY KEY, checkpoint_id INTEGER NOT NULL, instance TEXT NOT NULL)")
        let select = try database.prepare("SELECT checkpoint_id, instance FROM \(Self.bookkeepingTable) WHERE query_id = ?")
        select.bind(1, text: query)
        guard try select.step() else { return nil }
        return CheckpointMark(query: query, instance: select.string(1), checkpoint: select.int64(0))
    }

    public func commit(_ mark: CheckpointMark) throws {
        try writeKept()
        try applyPendingRetractions()
        if !inTransaction {
            try database.execute("BEGIN IMMEDIATE")
            inTransaction = true
        }
        let record = try database.prepare(
            "INSERT INTO \(Self.bookkeepingTable) (query_id, checkpoint_id, instance) VALUES (?, ?, ?) "
                + "ON CONFLICT (query_id) DO UPDATE SET checkpoint_id = excluded.checkpoint_id, instance = excluded.instance")
        record.bind(1, text: mark.query)
        record.bind(2, int: mark.checkpoint)
        record.bind(3, text: mark.instance)
        try record.step()
        try commit()
    }

    /// Deletes the rows whose `-U` no `+U` followed.
    private func applyPendingRetractions() throws {
        if !pendingRetractions.isEmpty, let delete {
            if !inTransaction {
                try database.execute("BEGIN IMMEDIATE")
                inTransaction = true
            }
            for values in pendingRetractions {
                var batch = RowBatch(types: key.map { types[$0] })
                batch.appendRow(values)
                bindAll(delete, batch, 0, columns: Array(key.indices), types: key.map { types[$0] })
                try delete.step()
                delete.reset()
            }
            pendingRetractions.removeAll()
        }
    }

    private func commit() throws {
        guard inTransaction else { return }
        try database.execute("COMMIT")
        inTransaction = false
    }

    private func keyValues(_ batch: RowBatch, _ row: Int) -> [Value] {
        key.map { batch.columns[$0].value(at: row, type: types[$0]) }
    }

    /// Binds `columns` of row `row` to parameters 1, 2, ...
    private func bindAll(_ statement: SQLiteStatement, _ batch: RowBatch, _ row: Int, columns: [Int], types: [SQLType]? = nil) {
        let types = types ?? self.types
        var text = ValueText()
        var scratch: [UInt8] = []
        for (n, c) in columns.enumerated() {
            let index = Int32(n + 1)
            let column = batch.columns[c]
            if column.isNull(row) {
                statement.bindNull(index)
                continue
            }
            switch types[c] {
            case .double:
                statement.bind(index, double: column.doubles[row])
            case .varchar:
                column.strings.withBytes(row) { statement.bind(index, text: $0) }
            case .decimal(_, let scale):
                scratch.removeAll(keepingCapacity: true)
                ValueText.appendDecimal(column, row, scale: scale, to: &scratch)
                scratch.withUnsafeBufferPointer { statement.bind(index, text: $0) }
            case .timestamp:
                scratch.removeAll(keepingCapacity: true)
                text.appendTimestamp(column.ints[row], to: &scratch)
                scratch.withUnsafeBufferPointer { statement.bind(index, text: $0) }
            case .date:
                scratch.removeAll(keepingCapacity: true)
                text.appendDate(days: column.ints[row], to: &scratch)
                scratch.withUnsafeBufferPointer { statement.bind(index, text: $0) }
            case .array, .map, .row:
                scratch = Array(ValueJSON.text(column.value(at: row, type: types[c]), type: types[c]).utf8)
                scratch.withUnsafeBufferPointer { statement.bind(index, text: $0) }
            default:
                statement.bind(index, int: column.ints[row])
            }
        }
    }
}
