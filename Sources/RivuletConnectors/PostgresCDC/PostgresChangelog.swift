import RivuletCore

/// Turns one Postgres table's snapshot rows and `pgoutput` messages into a changelog keyed by
/// the table's primary key, without I/O.
///
/// It keeps each key's current row, as Flink's ChangelogNormalize does: Postgres sends the old
/// row of an update only under `REPLICA IDENTITY FULL` (else at most its key), and a TOASTed
/// value that did not change not at all, so an update's `-U` and its unchanged large values
/// come from here. A transaction's changes are held until its Commit and given out together,
/// so a checkpoint never falls inside one; a transaction that ends at or before `position`
/// (already given out before a restart) is dropped.
struct PostgresChangelog {
    struct Change: Equatable {
        var kind: RowKind
        var row: [Value]
        /// When its transaction committed, in milliseconds since the Unix epoch; 0 for a snapshot row (as Flink CDC's `op_ts`).
        var commitMillis: Int64 = 0
    }

    let schema: String
    let table: String
    let fields: [Field]
    let primaryKey: [Int]
    /// Each key's current row.
    private(set) var rows: [[Value]: [Value]] = [:]
    /// The end LSN of the last transaction given out: where streaming resumes.
    private(set) var position: UInt64
    /// The table's column for each declared field, from the latest Relation message.
    private var columnOfField: [Int]?
    private var relationID: UInt32?
    /// The open transaction's changes, each with the column mapping it was sent under.
    private var transaction: [(message: PgOutputMessage, columns: [Int]?)]?

    init(schema: String, table: String, fields: [Field], primaryKey: [Int], position: UInt64, rows: [[Value]: [Value]] = [:]) {
        self.schema = schema
        self.table = table
        self.fields = fields
        self.primaryKey = primaryKey
        self.position = position
        self.rows = rows
    }

    /// Whether a transaction has begun and not yet committed.
    var inTransaction: Bool { transaction != nil }

    /// A row of the initial snapshot, as text (Postgres's output format; nil is NULL).
    mutating func snapshotRow(_ text: [[UInt8]?]) throws(SQLError) -> Change {
        let row = try values(text.map { $0.map(PgOutputValue.text) ?? .null }, previous: nil)
        rows[key(of: row)] = row
        return Change(kind: .insert, row: row)
    }

    /// Takes one message; returns the changes of a transaction when it commits.
    mutating func received(_ message: PgOutputMessage) throws(SQLError) -> [Change] {
        switch message {
        case .begin:
            transaction = []
        case .relation(let relation):
            guard relation.namespace == schema, relation.name == table else { return [] }
            try use(relation)
        case .insert, .update, .delete, .truncate:
            transaction?.append((message, columnOfField))
        case .commit(_, let endLSN, let commitTime):
            defer { transaction = nil }
            guard let messages = transaction, endLSN > position else { return [] }
            var changes: [Change] = []
            for (message, columns) in messages { try apply(message, columns: columns, into: &changes) }
            let committed = PgOutputMessage.unixMillis(postgresMicros: commitTime)
            for index in changes.indices { changes[index].commitMillis = committed }
            position = endLSN
            return changes
        case .type, .origin:
            break
        }
        return []
    }

    /// Moves the resume position past WAL that holds none of this table's transactions.
    mutating func skipped(to lsn: UInt64) {
        if transaction == nil, lsn > position { position = lsn }
    }

    private mutating func use(_ relation: PgOutputRelation) throws(SQLError) {
        var mapping: [Int] = []
        for field in fields {
            guard let column = relation.columns.firstIndex(where: { $0.name.lowercased() == field.name.lowercased() }) else {
                throw SQLError(.undefinedColumn, "column '\(field.name)' is no longer in Postgres table \(schema).\(table)",
                               hint: "declare the table with the columns Postgres has: \(relation.columns.map(\.name).joined(separator: ", "))")
            }
            mapping.append(column)
        }
        columnOfField = mapping
        relationID = relation.id
    }

    private mutating func apply(_ message: PgOutputMessage, columns: [Int]?, into changes: inout [Change]) throws(SQLError) {
        func declared(_ tuple: [PgOutputValue]) throws(SQLError) -> [PgOutputValue] { try self.declared(tuple, columns: columns) }
        switch message {
        case .insert(let id, let new):
            guard id == relationID else { return }
            let row = try values(try declared(new), previous: nil)
            let key = key(of: row)
            if let previous = rows[key] {
                changes.append(Change(kind: .updateBefore, row: previous))
                changes.append(Change(kind: .updateAfter, row: row))
            } else {
                changes.append(Change(kind: .insert, row: row))
            }
            rows[key] = row
        case .update(let id, let old, let new):
            guard id == relationID else { return }
            let oldKey = try old.map { old throws(SQLError) in try keyText(declared(old.values)) }
            let newKeyGuess = try keyText(declared(new))
            let previous = rows.removeValue(forKey: oldKey ?? newKeyGuess)
            let row = try values(try declared(new), previous: previous)
            let key = key(of: row)
            if let previous, key == self.key(of: previous) {
                changes.append(Change(kind: .updateBefore, row: previous))
                changes.append(Change(kind: .updateAfter, row: row))
            } else {
                if let previous { changes.append(Change(kind: .delete, row: previous)) }
                if let replaced = rows[key] { changes.append(Change(kind: .delete, row: replaced)) }
                changes.append(Change(kind: .insert, row: row))
            }
            rows[key] = row
        case .delete(let id, let old):
            guard id == relationID else { return }
            if let previous = rows.removeValue(forKey: try keyText(declared(old.values))) {
                changes.append(Change(kind: .delete, row: previous))
            }
        case .truncate(let ids, _, _):
            guard let relationID, ids.contains(relationID) else { return }
            for key in rows.keys.sorted(by: { $0.description < $1.description }) {
                changes.append(Change(kind: .delete, row: rows[key]!))
            }
            rows.removeAll()
        default:
            break
        }
    }

    /// The tuple's values in the declared fields' order.
    private func declared(_ tuple: [PgOutputValue], columns: [Int]?) throws(SQLError) -> [PgOutputValue] {
        guard let columnOfField = columns else { throw SQLError(.ioError, "Postgres sent a change to \(schema).\(table) before describing the table") }
        return try columnOfField.map { column throws(SQLError) in
            guard column < tuple.count else { throw SQLError(.ioError, "Postgres sent a row of \(schema).\(table) with \(tuple.count) columns") }
            return tuple[column]
        }
    }

    private func key(of row: [Value]) -> [Value] { primaryKey.map { row[$0] } }

    /// The key of a tuple that may hold only key columns (the rest NULL).
    private func keyText(_ tuple: [PgOutputValue]) throws(SQLError) -> [Value] {
        var row = [Value](repeating: .null, count: fields.count)
        for field in primaryKey { row[field] = try value(tuple[field], field: field) }
        return key(of: row)
    }

    /// Converts text values to the declared types; an unchanged TOAST value is the previous row's.
    private func values(_ tuple: [PgOutputValue], previous: [Value]?) throws(SQLError) -> [Value] {
        var row: [Value] = []
        for (field, value) in tuple.enumerated() {
            if case .unchangedToast = value {
                guard let previous else {
                    throw SQLError(.ioError, "Postgres left column '\(fields[field].name)' of \(schema).\(table) out of a change to a row not seen before")
                }
                row.append(previous[field])
            } else {
                row.append(try self.value(value, field: field))
            }
        }
        return row
    }

    private func value(_ value: PgOutputValue, field: Int) throws(SQLError) -> Value {
        guard case .text(var text) = value else { return .null }
        let type = fields[field].type
        // Postgres writes booleans as t and f.
        if type == .boolean, text == [UInt8(ascii: "t")] { text = Array("true".utf8) }
        if type == .boolean, text == [UInt8(ascii: "f")] { text = Array("false".utf8) }
        var pending = PendingRow(types: [type], names: [fields[field].name])
        var batch = RowBatch(types: [type])
        let reason = text.withUnsafeBufferPointer { bytes in
            let reason = pending.set(0, text: bytes)
            if reason == nil { pending.append(into: &batch) }
            return reason
        }
        if let reason { throw SQLError(.invalidTextRepresentation, "Postgres table \(schema).\(table): \(reason)") }
        return batch.row(0, types: [type])[0]
    }
}

extension PostgresChangelog {
    /// Starts over at `position` with `rows` as the kept rows (a new slot, or a saved state).
    mutating func restart(at position: UInt64, rows: [[Value]: [Value]] = [:]) {
        self = PostgresChangelog(schema: schema, table: table, fields: fields, primaryKey: primaryKey, position: position, rows: rows)
    }
}
