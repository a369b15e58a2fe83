import RivuletCore
import RivuletPlanner

/// The options of `connector = 'postgres-cdc'`, with Flink CDC's names: `hostname`, `port`
/// (5432), `username`, `password`, `database-name`, `schema-name` (`public`), `table-name`,
/// `slot.name`, `decoding.plugin.name` (only `pgoutput`), `scan.startup.mode` (`initial`: a
/// snapshot of the table, then its changes; `latest-offset`: only changes from now).
/// Ours: `publication.name` (default `<slot.name>_publication`, created for the table when
/// missing) and `scan.bounded.mode = 'latest-offset'`, which stops at the end of the WAL as it
/// was when the read started, so `rivulet run` finishes.
struct PostgresCDCOptions: Sendable {
    var connectionParameters: [(String, String)]
    /// Where the server is, for messages (no password).
    var location: String
    var database: String
    var schema: String
    var table: String
    var slot: String
    var publication: String
    var snapshot: Bool
    var bounded: Bool

    static let known: Set<String> = [
        "hostname", "port", "username", "password", "database-name", "schema-name", "table-name", "slot.name",
        "decoding.plugin.name", "scan.startup.mode", "scan.bounded.mode", "publication.name",
    ]
    /// Flink CDC options that change nothing here.
    static let ignored: Set<String> = [
        "scan.incremental.snapshot.enabled", "scan.incremental.snapshot.chunk.size", "heartbeat.interval.ms",
        "changelog-mode", "scan.snapshot.fetch.size", "connect.timeout", "connect.max-retries",
    ]

    init(_ relation: Relation) throws(SQLError) {
        let options = try ConnectorOptions(relation.connector, known: Self.known, ignored: Self.ignored, ignoredPrefixes: ["debezium."])
        let host = try options.required("hostname")
        let port = options["port"] ?? "5432"
        guard Int(port) != nil else { throw options.invalid("port", port, expected: "a port number") }
        let database = try options.required("database-name")
        var parts = [("host", host), ("port", port), ("dbname", database), ("user", try options.required("username"))]
        if let password = options["password"] { parts.append(("password", password)) }
        parts.append(("connect_timeout", "5"))
        parts.append(("application_name", "rivulet"))
        connectionParameters = parts
        location = "\(host):\(port)/\(database)"
        self.database = database
        schema = options["schema-name"] ?? "public"
        table = try options.required("table-name")
        slot = try options.required("slot.name")
        // A slot name is lower-case letters, digits and underscores (Postgres's rule), so it can be spliced into commands.
        guard !slot.isEmpty, slot.utf8.allSatisfy({ (97...122).contains($0) || (48...57).contains($0) || $0 == 95 }) else {
            throw options.invalid("slot.name", slot, expected: "lower-case letters, digits and underscores")
        }
        publication = options["publication.name"] ?? "\(slot)_publication"
        _ = try options.choice("decoding.plugin.name", ["pgoutput"], default: "pgoutput")
        snapshot = try options.choice("scan.startup.mode", ["initial", "latest-offset"], default: "initial") == "initial"
        bounded = try options.choice("scan.bounded.mode", ["unbounded", "latest-offset"], default: "unbounded") == "latest-offset"
        guard relation.kind == .table, !relation.primaryKey.isEmpty else {
            throw SQLError(.invalidParameterValue, "a 'postgres-cdc' source is a changelog; declare '\(relation.name)' as a TABLE with a PRIMARY KEY",
                           hint: "add PRIMARY KEY (id) NOT ENFORCED with the Postgres table's key columns")
        }
    }
}
