import Foundation
import RivuletCore
import RivuletEngine

/// Statements Postgres drivers and tools send on their own (transaction control and savepoints, `SHOW
/// transaction_isolation`, `SHOW ALL`, `SET TIME ZONE ...`, `SET x TO y`), answered the way
/// Postgres would so that clients work; the SQL parser never sees them.
enum ClientCompatibility {
    enum Answer {
        case command(String)
        /// A session setting to record (`SET x TO y`, `SET TIME ZONE z`); nil value: `DEFAULT`.
        case set(key: String, value: String?)
        case rows(ResultSet)
        case failed(SQLError)
    }

    /// Rivulet's own `SHOW` objects; any other name is a Postgres setting.
    private static let showObjects: Set<String> = ["streams", "tables", "queries", "views", "functions", "topics", "connectors", "properties"]

    /// A setting's value: set in the session, else the value Rivulet behaves by (`name` lower-cased).
    static func setting(_ name: String, settings: [String: String], serverVersion: String) -> String? {
        settings[name] ?? setting(name, serverVersion: serverVersion)
    }

    /// What `version()` answers.
    static func versionText(_ serverVersion: String) -> String {
        "PostgreSQL \(serverVersion), Rivulet streaming SQL server"
    }

    /// The Postgres settings SHOW ALL lists.
    static let standardSettings = [
        "application_name", "client_encoding", "datestyle", "default_table_access_method", "default_transaction_isolation",
        "default_transaction_read_only", "integer_datetimes", "intervalstyle", "is_superuser", "lc_collate", "lc_ctype",
        "lc_messages", "lc_monetary", "lc_numeric", "lc_time", "max_identifier_length", "search_path",
        "server_encoding", "server_version", "server_version_num", "standard_conforming_strings", "timezone",
        "transaction_isolation", "transaction_read_only",
    ]

    /// Postgres settings clients ask for, with the values Rivulet behaves by.
    private static func setting(_ name: String, serverVersion: String) -> String? {
        switch name {
        case "server_version": return serverVersion
        case "server_version_num": return "150000"
        case "server_encoding", "client_encoding": return "UTF8"
        case "datestyle": return "ISO, MDY"
        case "intervalstyle": return "postgres"
        case "timezone", "log_timezone": return "UTC"
        case "transaction_isolation", "default_transaction_isolation": return "read committed"
        case "transaction_read_only", "default_transaction_read_only": return "off"
        case "standard_conforming_strings", "integer_datetimes": return "on"
        case "is_superuser": return "off"
        case "max_identifier_length": return "63"
        case "search_path": return "\"$user\", public"
        case "application_name": return ""
        // What `pg_am` calls the access method of every stream and table (`pg_class.relam`).
        case "default_table_access_method": return "heap"
        case "lc_collate", "lc_ctype", "lc_messages", "lc_monetary", "lc_numeric", "lc_time": return "C.UTF-8"
        default: return nil
        }
    }

    /// The answer to `sql` (one statement) when it is one of these; nil for everything else.
    static func answer(_ sql: String, settings: [String: String], serverVersion: String) -> Answer? {
        let words = sql.split(whereSeparator: { $0.isWhitespace }).map { $0.lowercased() }
        guard let first = words.first else { return nil }
        switch first {
        case "begin":
            return .command("BEGIN")
        case "start" where words.dropFirst().first == "transaction":
            return .command("BEGIN")
        case "commit", "end":
            return .command("COMMIT")
        case "rollback", "abort":
            return .command("ROLLBACK")
        // Savepoints of the transactions above (psycopg opens one around its type lookups).
        case "savepoint":
            return .command("SAVEPOINT")
        case "release":
            return .command("RELEASE")
        case "discard" where words.count == 2:
            return .command("DISCARD \(words[1].uppercased())")
        case "show" where words.count == 3 && words[1] == "time" && words[2] == "zone":
            return show("timezone", as: "TimeZone", settings: settings, serverVersion: serverVersion)
        case "show" where words.dropFirst() == ["transaction", "isolation", "level"]:
            return show("transaction_isolation", as: "transaction_isolation", settings: settings, serverVersion: serverVersion)
        case "show" where words.count == 2 && !showObjects.contains(words[1]):
            let name = words[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"'`"))
            if name == "all" {
                let names = Set(standardSettings).union(settings.keys).sorted()
                let rows: [[Value]] = names.map { name in
                    [.string(name), .string(Self.setting(name, settings: settings, serverVersion: serverVersion) ?? ""), .string("")]
                }
                let schema = Schema([Field("name", .varchar), Field("setting", .varchar), Field("description", .varchar)])
                return .rows(ResultSet(schema: schema, rows: rows))
            }
            return show(name, as: name, settings: settings, serverVersion: serverVersion)
        case "set":
            // Postgres spellings the SQL grammar does not have: SET x TO y, SET SESSION/LOCAL ..., SET TIME ZONE ...
            var rest = Array(sql.split(whereSeparator: { $0.isWhitespace }).dropFirst().map(String.init))
            if let scope = rest.first?.lowercased(), scope == "session" || scope == "local" {
                rest.removeFirst()
                if ["characteristics", "authorization"].contains(rest.first?.lowercased() ?? "") { return .command("SET") }
            } else if !(rest.count >= 2 && (rest[1].lowercased() == "to" || rest.first?.lowercased() == "time")) {
                return nil
            }
            let key: String
            var value: [String]
            if rest.count >= 2, rest[0].lowercased() == "time", rest[1].lowercased() == "zone" {
                key = "timezone"
                value = Array(rest.dropFirst(2))
            } else if let equals = rest.firstIndex(where: { $0.lowercased() == "to" || $0 == "=" }), equals == 1 {
                key = rest[0].lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "\"'`"))
                value = Array(rest.dropFirst(2))
            } else {
                return .command("SET")
            }
            if let last = value.last, last.hasSuffix(";") { value[value.count - 1] = String(last.dropLast()) }
            let text = value.joined(separator: " ").trimmingCharacters(in: CharacterSet(charactersIn: "'\""))
            return .set(key: key, value: text.lowercased() == "default" ? nil : text)
        default:
            return nil
        }
    }

    /// `SHOW name`: one row, one column named as Postgres names it.
    private static func show(_ name: String, as column: String, settings: [String: String], serverVersion: String) -> Answer {
        guard let value = setting(name, settings: settings, serverVersion: serverVersion) else {
            return .failed(SQLError(.undefinedObject, "unrecognized configuration parameter \"\(name)\""))
        }
        return .rows(ResultSet(schema: Schema([Field(column, .varchar)]), rows: [[.string(value)]]))
    }
}
