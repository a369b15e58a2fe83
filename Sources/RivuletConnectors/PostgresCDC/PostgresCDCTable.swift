import RivuletCore

/// What a `postgres-cdc` source needs of its table before it streams: the table exists, its
/// changes identify rows by the declared key, and a publication carries them.
enum PostgresCDCTable {
    /// The table's replica identity and primary key columns, in key order.
    static let describe = """
        SELECT c.relreplident::text, (
          SELECT string_agg(a.attname, ',' ORDER BY k.ord) FROM pg_index i
          CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
          JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
          WHERE i.indrelid = c.oid AND i.indisprimary)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2
        """

    static func check(_ options: PostgresCDCOptions, declaredKey: [String], on connection: PostgresConnection) throws {
        let name = "\(options.schema).\(options.table)"
        let found = try connection.query(describe, parameters: [Array(options.schema.utf8), Array(options.table.utf8)])
        guard let row = found.first else {
            throw SQLError(.undefinedTable, "Postgres at \(options.location) has no table \(name)")
        }
        let identity = row[0] ?? "d"
        let key = row[1].map { $0.split(separator: ",").map(String.init) } ?? []
        if key.isEmpty, identity != "f" {
            throw SQLError(.invalidParameterValue, "Postgres table \(name) has no primary key, so its updates and deletes do not say which row they change",
                           hint: "add a primary key, or run ALTER TABLE \(name) REPLICA IDENTITY FULL")
        }
        if !key.isEmpty, Set(key.map { $0.lowercased() }) != Set(declaredKey.map { $0.lowercased() }) {
            throw SQLError(.invalidParameterValue, "the declared PRIMARY KEY (\(declaredKey.joined(separator: ", "))) is not the key of Postgres table \(name) (\(key.joined(separator: ", ")))",
                           hint: "declare PRIMARY KEY (\(key.joined(separator: ", "))) NOT ENFORCED")
        }
        let publication = try connection.query("SELECT 1 FROM pg_publication WHERE pubname = $1", parameters: [Array(options.publication.utf8)])
        if publication.isEmpty {
            try connection.execute("CREATE PUBLICATION \(quoted(options.publication)) FOR TABLE \(quoted(options.schema)).\(quoted(options.table))")
        }
    }

    static func quoted(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
