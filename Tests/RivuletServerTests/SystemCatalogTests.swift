import Foundation
import Testing

/// `pg_catalog` and `information_schema` are relations the engine's planner queries like any
/// other: what clients read there follows CREATE and DROP.
@Suite(.timeLimit(.minutes(2)))
struct SystemCatalogTests {
    static let script = """
        import psycopg, sys
        conn = psycopg.connect(host="127.0.0.1", port=int(sys.argv[1]), user="py", dbname="rivulet", autocommit=True)
        def show(label, sql, *params):
            print(label, conn.execute(sql, params or None).fetchall())
        conn.execute("CREATE STREAM clicks (user_id BIGINT, page VARCHAR(20), ts TIMESTAMP(3))")
        conn.execute("CREATE TABLE prices (sku VARCHAR, price DECIMAL(10, 2), PRIMARY KEY (sku) NOT ENFORCED) WITH ('connector' = 'sqlite', 'path' = 'p.db')")
        conn.execute("CREATE VIEW home AS SELECT user_id FROM clicks WHERE page = 'home'")
        show("tables", "SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = %s ORDER BY table_name", "public")
        show("view columns", "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s", "home")
        show("columns", "SELECT column_name, data_type, numeric_precision, numeric_scale, is_nullable FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position", "prices")
        show("attributes", '''
            SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), t.typname
            FROM pg_catalog.pg_attribute a
            JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
            WHERE a.attrelid = 'clicks'::regclass AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY a.attnum DESC''')
        show("kinds", "SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname !~ '^pg_' AND c.relkind = ANY (ARRAY['r', 'v', 'i']) ORDER BY c.relname")
        show("key", '''
            SELECT c.relname, i.indisprimary, a.attname
            FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = 1
            WHERE i.indrelid = to_regclass(%s)''', "prices")
        show("schemas", "SELECT * FROM unnest(current_schemas(true))")
        show("types", "SELECT typname FROM pg_type WHERE oid = to_regtype(%s) OR oid = 'varchar'::regtype", "bigint")
        conn.execute("DROP VIEW home")
        show("after drop", "SELECT relname FROM pg_class WHERE relkind = 'v'")
        try:
            conn.execute("INSERT INTO pg_class (relname) VALUES ('x')")
        except psycopg.Error as error:
            print("read-only", error.sqlstate)
        """

    @Test func catalogQueriesRunInThePlannerAndFollowTheCatalog() async throws {
        try await ServeProcess.with { server, directory in
            let (status, text) = try await PythonClient.run(Self.script, arguments: [String(server.pgPort)], in: directory)
            #expect(status == 0, "\(text)")
            #expect(text == """
                tables [('clicks', 'BASE TABLE'), ('home', 'VIEW'), ('prices', 'BASE TABLE')]
                view columns [('user_id', 'bigint')]
                columns [('sku', 'character varying', None, None, 'NO'), ('price', 'numeric', 10, 2, 'YES')]
                attributes [('ts', 'timestamp(3) without time zone', 'timestamp'), ('page', 'character varying', 'varchar'), ('user_id', 'bigint', 'int8')]
                kinds [('clicks', 'r'), ('home', 'v'), ('prices', 'r'), ('prices_pkey', 'i')]
                key [('prices_pkey', True, 'sku')]
                schemas [('pg_catalog',), ('public',)]
                types [('int8',), ('varchar',)]
                after drop []
                read-only 0A000

                """, "\(text)\nserver: \(server.stderr)")
        }
    }
}
