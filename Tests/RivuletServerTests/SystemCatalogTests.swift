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
        # SQLAlchemy's index reflection (here with primary keys kept): pg_index's arrays unnested
        # side by side, each key column by its position, then aggregated back in order.
        conn.execute("CREATE TABLE pairs (a INT, b VARCHAR, c BIGINT, PRIMARY KEY (c, a) NOT ENFORCED)")
        show("index columns", '''
            SELECT c.relname, i.indisunique, cols.elements, cols.opclasses
            FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON i.indexrelid = c.oid
            LEFT OUTER JOIN (
                SELECT idx.indexrelid, array_agg(CAST(a.attname AS TEXT) ORDER BY idx.ord) AS elements,
                    array_agg(CAST(idx.att_opclass AS BIGINT) ORDER BY idx.ord) AS opclasses
                FROM (SELECT pg_index.indexrelid, pg_index.indrelid, unnest(pg_index.indkey) AS attnum,
                        unnest(pg_index.indclass) AS att_opclass, generate_subscripts(pg_index.indkey, 1) AS ord
                      FROM pg_catalog.pg_index WHERE pg_index.indrelid IN (%s)) AS idx
                LEFT OUTER JOIN pg_catalog.pg_attribute a ON a.attnum = idx.attnum AND a.attrelid = idx.indrelid
                GROUP BY idx.indexrelid) AS cols ON i.indexrelid = cols.indexrelid
            WHERE i.indrelid = 'pairs'::regclass''', conn.execute("SELECT 'pairs'::regclass").fetchone()[0])
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
                index columns [('pairs_pkey', True, ['c', 'a'], [0, 0])]
                schemas [('pg_catalog',), ('public',)]
                types [('int8',), ('varchar',)]
                after drop []
                read-only 0A000

                """, "\(text)\nserver: \(server.stderr)")
        }
    }
}
