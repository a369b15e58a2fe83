import RivuletCore
import RivuletPlanner

/// The options of the `sqlite` connector: `path` (the database file, relative to the working
/// directory) and `table` (or Flink's `table-name`; default: the relation's name).
struct SQLiteTableOptions: Sendable {
    var path: String
    var table: String

    static let known: Set<String> = ["path", "table", "table-name"]

    init(_ relation: Relation) throws(SQLError) {
        let options = try ConnectorOptions(
            relation.connector, known: Self.known,
            ignored: ["sink.buffer-flush.max-rows", "sink.buffer-flush.interval", "sink.max-retries"])
        path = try options.required("path")
        table = options["table"] ?? options["table-name"] ?? relation.name
        guard !table.isEmpty else { throw options.invalid("table", table, expected: "a table name") }
    }

    /// How each SQL type is stored: numbers as INTEGER / REAL; DECIMAL as TEXT, so it keeps its
    /// exact digits; TIMESTAMP as TEXT `YYYY-MM-DD HH:MM:SS.mmm` and DATE as TEXT `YYYY-MM-DD`,
    /// which sort correctly and read well in any SQLite tool; BOOLEAN as INTEGER 0/1.
    static func storageType(_ type: SQLType) -> String {
        switch type {
        case .boolean, .integer, .bigint, .intervalDayTime, .intervalYearMonth, .null: return "INTEGER"
        case .double: return "REAL"
        case .decimal, .varchar, .timestamp, .date: return "TEXT"
        // Nested values as JSON text, which SQLite's json functions read.
        case .array, .map, .row: return "TEXT"
        }
    }
}
