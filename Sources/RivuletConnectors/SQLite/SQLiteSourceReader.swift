import CSQLite
public import RivuletCore
import RivuletPlanner
public import RivuletRuntime

/// Reads a SQLite table once, fully (bounded), converting stored values to the declared types:
/// TEXT timestamps, dates and decimals are parsed; a value that does not convert is reported
/// as a bad record and its row skipped.
public final class SQLiteSourceReader: SourceReader {
    private let database: SQLiteDatabase
    private let statement: SQLiteStatement
    private let sourceName: String
    private let table: String
    private let types: [SQLType]
    private let names: [String]
    private let badRecords: BadRecordLog
    private var pending: PendingRow
    private var rowNumber = 0
    private var done = false

    init(relation: Relation, columns: [Int], options: SQLiteTableOptions, context: ConnectorContext) throws {
        sourceName = relation.name
        table = options.table
        types = columns.map { relation.schema[$0].type }
        names = columns.map { relation.schema[$0].name }
        badRecords = context.badRecords
        database = try SQLiteDatabase(path: FileList.resolve(options.path, against: context.workingDirectory))
        let list = columns.isEmpty ? "1" : names.map(SQLiteDatabase.quoted).joined(separator: ", ")
        do {
            statement = try database.prepare("SELECT \(list) FROM \(SQLiteDatabase.quoted(options.table))")
        } catch {
            throw SQLError(
                .undefinedTable, "cannot read table '\(options.table)' of SQLite database '\(database.path)': \(error.message)")
        }
        pending = PendingRow(types: types, names: names)
    }

    public func nextBatch(maxRows: Int) throws -> RowBatch? {
        guard !done else { return nil }
        var batch = RowBatch(types: types, capacity: min(maxRows, 4096))
        while batch.count < maxRows {
            guard try statement.step() else {
                done = true
                break
            }
            rowNumber += 1
            pending.reset()
            var failure: String?
            for slot in types.indices {
                let index = Int32(slot)
                switch statement.columnType(index) {
                case SQLITE_NULL:
                    pending.setNull(slot)
                case SQLITE_INTEGER where types[slot] != .varchar:
                    let value = statement.int64(index)
                    switch types[slot] {
                    case .double: 
                        pending.isSet[slot] = true
                        pending.isNull[slot] = false
                        pending.doubles[slot] = Double(value)
                    case .decimal(_, let scale):
                        pending.isSet[slot] = true
                        pending.isNull[slot] = false
                        let unscaled = Int128(value) * DecimalFormat.widePowersOfTen[scale]
                        if pending.kinds[slot] == .decimal(scale: scale) {
                            pending.ints[slot] = Int64(truncatingIfNeeded: unscaled)
                        } else {
                            pending.wides[slot] = unscaled
                        }
                    default:
                        pending.isSet[slot] = true
                        pending.isNull[slot] = false
                        pending.ints[slot] = value
                    }
                case SQLITE_FLOAT where types[slot] == .double:
                    pending.isSet[slot] = true
                    pending.isNull[slot] = false
                    pending.doubles[slot] = statement.double(index)
                default:
                    // Text (or a number read as text): parse it as the declared type. The
                    // bytes are copied, as SQLite reuses them on the next step.
                    let start = pending.scratch.count
                    pending.scratch.append(contentsOf: statement.text(index))
                    if let reason = pending.setScratchString(slot, start: start, end: pending.scratch.count) {
                        failure = failure ?? reason
                    }
                }
            }
            if let failure {
                badRecords.record(BadRecordLog.Entry(source: sourceName, position: "\(table):\(rowNumber)", rawText: "", reason: failure))
                continue
            }
            pending.append(into: &batch)
        }
        if batch.count == 0, done { return nil }
        return batch
    }
}
