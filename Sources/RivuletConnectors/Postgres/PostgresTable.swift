import RivuletCore
import RivuletPlanner

/// The sink's target table: created when missing, checked against the relation when present.
enum PostgresTable {
    static func quoted(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func qualified(_ options: PostgresOptions) -> String {
        quoted(options.schema) + "." + quoted(options.table)
    }

    /// The column type a new table gets for each SQL type.
    static func columnType(_ type: SQLType) -> String {
        switch type {
        case .boolean: return "boolean"
        case .integer: return "integer"
        case .bigint, .intervalDayTime, .intervalYearMonth: return "bigint"
        case .double: return "double precision"
        case .decimal(let precision, let scale): return "numeric(\(precision), \(scale))"
        case .varchar, .null: return "text"
        case .timestamp: return "timestamp(3)"
        case .date: return "date"
        case .array(let element): return columnType(element).split(separator: "[").first.map(String.init)! + "[]"
        case .map, .row: return "jsonb"
        }
    }

    /// Existing column types (`information_schema` names) that hold a SQL type's values.
    static func accepts(_ existing: String, for type: SQLType) -> Bool {
        switch type {
        case .boolean: return existing == "boolean"
        case .integer, .bigint, .intervalDayTime, .intervalYearMonth:
            return ["smallint", "integer", "bigint", "numeric"].contains(existing)
        case .double: return ["double precision", "real", "numeric"].contains(existing)
        case .decimal: return ["numeric", "double precision"].contains(existing)
        case .varchar, .null: return ["text", "character varying", "character"].contains(existing)
        case .timestamp: return existing.hasPrefix("timestamp")
        case .date: return existing == "date"
        case .array: return existing == "ARRAY"
        case .map, .row: return existing == "jsonb" || existing == "json"
        }
    }

    static func ensure(_ connection: PostgresConnection, relation: Relation, options: PostgresOptions) throws {
        let names = relation.schema.names
        let existing = try connection.query(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position",
            parameters: [Array(options.schema.utf8), Array(options.table.utf8)])
        let table = qualified(options)
        if existing.isEmpty {
            var columns = relation.schema.fields.map { "\(quoted($0.name)) \(columnType($0.type))" }
            if !relation.primaryKey.isEmpty {
                columns.append("PRIMARY KEY (" + relation.primaryKey.map { quoted(names[$0]) }.joined(separator: ", ") + ")")
            }
            try connection.execute("CREATE TABLE IF NOT EXISTS \(table) (\(columns.joined(separator: ", ")))")
            return
        }
        let existingNames = existing.map { $0[0] ?? "" }
        guard existingNames.map({ $0.lowercased() }) == names.map({ $0.lowercased() }) else {
            throw SQLError(
                .datatypeMismatch,
                "Postgres table \(options.schema).\(options.table) at \(options.location) has columns (\(existingNames.joined(separator: ", "))), but sink '\(relation.name)' declares (\(names.joined(separator: ", ")))",
                hint: "drop or rename the existing table, or declare the sink with the table's columns")
        }
        for (field, row) in zip(relation.schema.fields, existing) where !accepts(row[1] ?? "", for: field.type) {
            throw SQLError(
                .datatypeMismatch,
                "Postgres table \(options.schema).\(options.table) has column \(field.name) of type \(row[1] ?? "?"), which cannot hold the sink's \(field.type)",
                hint: "alter the column to \(columnType(field.type)), or drop the table so the sink creates it")
        }
        let keyRows = try connection.query(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
                + "WHERE i.indrelid = to_regclass($1) AND i.indisprimary",
            parameters: [Array(table.utf8)])
        let existingKey = Set(keyRows.compactMap { $0[0]?.lowercased() })
        let declaredKey = Set(relation.primaryKey.map { names[$0].lowercased() })
        guard existingKey == declaredKey else {
            let shown = existingKey.isEmpty ? "no primary key" : "primary key (\(existingKey.sorted().joined(separator: ", ")))"
            throw SQLError(
                .datatypeMismatch,
                "Postgres table \(options.schema).\(options.table) has \(shown), but sink '\(relation.name)' declares primary key (\(declaredKey.sorted().joined(separator: ", ")))",
                hint: "drop or rename the existing table, or declare the sink with the table's key")
        }
    }
}
