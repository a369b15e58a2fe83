import RivuletCore
import RivuletPlanner

/// The options of the `postgres` and `jdbc` connectors: where the server is, either as
/// `url` (`postgresql://user:password@host:port/database`, or JDBC's `jdbc:postgresql://...`)
/// or as `host`, `port`, `database`, `user` (or `username`) and `password`; the `table` (or
/// `table-name`, optionally `schema.table`; default the relation's name); and
/// `sink.retry-timeout`, how long a sink keeps retrying while the server is unreachable
/// (default 10 minutes).
struct PostgresOptions: Sendable {
    /// libpq connection keywords and values (`dbname` may be a URI, which libpq expands).
    var connectionParameters: [(String, String)]
    /// Where the server is, for messages (no password).
    var location: String
    var schema: String
    var table: String
    var retryTimeoutMillis: Int64

    static let known: Set<String> = [
        "url", "host", "port", "database", "dbname", "user", "username", "password", "table", "table-name",
        "sink.retry-timeout",
    ]

    init(_ relation: Relation) throws(SQLError) {
        let options = try ConnectorOptions(
            relation.connector, known: Self.known,
            ignored: ["driver", "sink.buffer-flush.max-rows", "sink.buffer-flush.interval", "sink.max-retries", "sink.parallelism"])
        var parts: [(String, String)] = []
        if let url = options["url"] {
            var text = url
            if text.lowercased().hasPrefix("jdbc:") { text.removeFirst(5) }
            guard text.hasPrefix("postgresql://") || text.hasPrefix("postgres://") else {
                throw options.invalid("url", url, expected: "a URL such as 'postgresql://user@localhost:5432/db'")
            }
            parts.append(("dbname", text))
            // Credentials stay out of messages.
            let afterScheme = text[text.range(of: "://")!.upperBound...]
            let hostPart = afterScheme.split(separator: "@", maxSplits: 1).last.map(String.init) ?? String(afterScheme)
            location = hostPart.split(separator: "?").first.map(String.init) ?? hostPart
        } else {
            let host = options["host"] ?? "localhost"
            let port = options["port"] ?? "5432"
            guard Int(port) != nil else { throw options.invalid("port", port, expected: "a port number") }
            parts.append(("host", host))
            parts.append(("port", port))
            let database = options["database"] ?? options["dbname"]
            if let database { parts.append(("dbname", database)) }
            if let user = options["user"] ?? options["username"] { parts.append(("user", user)) }
            if let password = options["password"] { parts.append(("password", password)) }
            location = "\(host):\(port)/\(database ?? "")"
        }
        parts.append(("connect_timeout", "5"))
        parts.append(("application_name", "rivulet"))
        connectionParameters = parts
        let name = options["table"] ?? options["table-name"] ?? relation.name
        let pieces = name.split(separator: ".", maxSplits: 1).map(String.init)
        if pieces.count == 2 {
            schema = pieces[0]
            table = pieces[1]
        } else {
            schema = "public"
            table = name
        }
        guard !table.isEmpty, !schema.isEmpty else { throw options.invalid("table", name, expected: "a table name") }
        retryTimeoutMillis = try options.duration("sink.retry-timeout") ?? 600_000
    }
}
