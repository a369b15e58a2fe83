#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
public import RivuletCore

/// The properties of ksqlDB's `CREATE SOURCE CONNECTOR ... WITH ('connector.class' =
/// 'io.debezium.connector.postgresql.PostgresConnector', ...)`, with Debezium's names:
/// `database.hostname`, `database.port` (5432), `database.user`, `database.password`,
/// `database.dbname`, `topic.prefix` (or 1.x's `database.server.name`), `table.include.list`
/// (or `table.whitelist`: `schema.table` names separated by commas; absent, every table of
/// the database's own schemas), `slot.name` (`debezium`), `publication.name`
/// (`dbz_publication`), `plugin.name` (only `pgoutput`), `snapshot.mode` (`initial`, or
/// `no_data` / `never` to stream only) and `tombstones.on.delete` (`true`). Kafka Connect's
/// worker settings (`tasks.max`, the JSON converters without schemas, the schema history)
/// are accepted and change nothing; anything else is refused, so a setting is never dropped
/// silently. The brokers are `RIVULET_KAFKA_BOOTSTRAP_SERVERS`, or `bootstrap.servers`.
public struct DebeziumPostgresOptions: Sendable {
    public static let connectorClass = "io.debezium.connector.postgresql.PostgresConnector"

    var connectionParameters: [(String, String)]
    /// Where the server is, for messages (no password).
    var location: String
    var database: String
    var topicPrefix: String
    /// `(schema, table)` pairs; empty: every table.
    var tables: [(schema: String, table: String)]
    public var slot: String
    var publication: String
    var snapshot: Bool
    var tombstones: Bool
    var bootstrapServers: String

    static let known: Set<String> = [
        "connector.class", "database.hostname", "database.port", "database.user", "database.password", "database.dbname",
        "topic.prefix", "database.server.name", "table.include.list", "table.whitelist", "slot.name", "publication.name",
        "plugin.name", "snapshot.mode", "tombstones.on.delete", "bootstrap.servers",
    ]
    /// Kafka Connect and Debezium settings that change nothing here.
    static let ignored: Set<String> = [
        "name", "tasks.max", "include.schema.changes", "publication.autocreate.mode", "heartbeat.interval.ms",
        "key.converter", "value.converter", "key.converter.schemas.enable", "value.converter.schemas.enable",
    ]
    static let ignoredPrefixes = ["database.history.", "schema.history.internal.", "errors."]

    /// - Parameter properties: the `WITH` properties, keys lower-cased.
    public init(_ properties: [String: String]) throws(SQLError) {
        let connectorClass = properties["connector.class"] ?? ""
        guard connectorClass == Self.connectorClass else {
            throw SQLError(.featureNotSupported,
                           connectorClass.isEmpty ? "a connector needs 'connector.class'" : "connector class '\(connectorClass)' is not supported",
                           hint: "the one connector class here is '\(Self.connectorClass)'; "
                               + "tables read other systems directly ('connector' = 'postgres-cdc', 'jdbc', 'filesystem', ...)")
        }
        for key in properties.keys.sorted() where !Self.known.contains(key) && !Self.ignored.contains(key)
            && !Self.ignoredPrefixes.contains(where: { key.hasPrefix($0) })
        {
            if key == "transforms" || key.hasPrefix("transforms.") {
                throw SQLError(.featureNotSupported, "connector property '\(key)': single message transforms are not supported",
                               hint: "topics hold Debezium's change events; declare a table over one with 'format' = 'debezium-json'")
            }
            throw SQLError(.invalidParameterValue, "unknown connector property '\(key)' for \(Self.connectorClass)",
                           hint: "known: \(Self.known.sorted().joined(separator: ", "))")
        }
        for key in ["key.converter.schemas.enable", "value.converter.schemas.enable"] where properties[key]?.lowercased() == "true" {
            throw SQLError(.featureNotSupported, "'\(key)' = 'true' is not supported: events are written as JSON without schemas",
                           hint: "set '\(key)' = 'false'")
        }
        for key in ["key.converter", "value.converter"] {
            if let converter = properties[key], converter != "org.apache.kafka.connect.json.JsonConverter" {
                throw SQLError(.featureNotSupported, "'\(key)' = '\(converter)' is not supported: events are written as JSON",
                               hint: "use 'org.apache.kafka.connect.json.JsonConverter'")
            }
        }
        func required(_ key: String) throws(SQLError) -> String {
            guard let value = properties[key], !value.isEmpty else {
                throw SQLError(.invalidParameterValue, "missing connector property '\(key)' for \(Self.connectorClass)")
            }
            return value
        }
        let host = try required("database.hostname")
        let port = properties["database.port"] ?? "5432"
        guard Int(port) != nil else { throw SQLError(.invalidParameterValue, "'database.port' = '\(port)' is not a port number") }
        database = try required("database.dbname")
        var parts = [("host", host), ("port", port), ("dbname", database), ("user", try required("database.user"))]
        if let password = properties["database.password"] { parts.append(("password", password)) }
        parts.append(("connect_timeout", "5"))
        parts.append(("application_name", "rivulet"))
        connectionParameters = parts
        location = "\(host):\(port)/\(database)"
        guard let prefix = properties["topic.prefix"] ?? properties["database.server.name"], !prefix.isEmpty else {
            throw SQLError(.invalidParameterValue, "missing connector property 'topic.prefix' for \(Self.connectorClass)",
                           hint: "topics are named <topic.prefix>.<schema>.<table>")
        }
        topicPrefix = prefix
        let list = properties["table.include.list"] ?? properties["table.whitelist"] ?? ""
        tables = list.split(separator: ",").map { entry in
            let name = entry.trimmingCharacters(in: .whitespaces)
            let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
            return parts.count == 2 ? (parts[0], parts[1]) : ("public", name)
        }
        slot = properties["slot.name"] ?? "debezium"
        guard !slot.isEmpty, slot.utf8.allSatisfy({ (97...122).contains($0) || (48...57).contains($0) || $0 == 95 }) else {
            throw SQLError(.invalidParameterValue, "'slot.name' = '\(slot)': expected lower-case letters, digits and underscores")
        }
        publication = properties["publication.name"] ?? "dbz_publication"
        let plugin = properties["plugin.name"] ?? "pgoutput"
        guard plugin == "pgoutput" else {
            throw SQLError(.featureNotSupported, "'plugin.name' = '\(plugin)' is not supported", hint: "use 'pgoutput', built into Postgres 10 and later")
        }
        switch properties["snapshot.mode"] ?? "initial" {
        case "initial": snapshot = true
        case "no_data", "never": snapshot = false
        case let mode:
            throw SQLError(.featureNotSupported, "'snapshot.mode' = '\(mode)' is not supported", hint: "use 'initial', or 'no_data' to stream only")
        }
        switch (properties["tombstones.on.delete"] ?? "true").lowercased() {
        case "true": tombstones = true
        case "false": tombstones = false
        case let value: throw SQLError(.invalidParameterValue, "'tombstones.on.delete' = '\(value)': expected true or false")
        }
        if let servers = properties["bootstrap.servers"] {
            bootstrapServers = servers
        } else if let servers = getenv(KafkaOptions.bootstrapVariable).map({ String(cString: $0) }), !servers.isEmpty {
            bootstrapServers = servers
        } else {
            throw SQLError(.invalidParameterValue, "no Kafka brokers to write the connector's topics to",
                           hint: "set \(KafkaOptions.bootstrapVariable) for the server, or the connector property 'bootstrap.servers'")
        }
    }

    /// The topic of a table's events, as Debezium names it.
    func topic(schema: String, table: String) -> String { "\(topicPrefix).\(schema).\(table)" }
}
