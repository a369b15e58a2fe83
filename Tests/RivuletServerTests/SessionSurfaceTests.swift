import Foundation
import Testing

/// What drivers ask of a session at connect and around their statements: settings read with
/// SHOW and current_setting and written with every spelling of SET, the session's functions,
/// Postgres' names for result columns, and parameters typed by where they stand.
@Suite(.timeLimit(.minutes(2)))
struct SessionSurfaceTests {
    static let script = """
        import psycopg, sys
        conn = psycopg.connect(host="127.0.0.1", port=int(sys.argv[1]), user="me", dbname="shop", autocommit=True)
        def show(label, sql, *params):
            cur = conn.execute(sql, params or None)
            print(label, [d.name for d in cur.description], cur.fetchall())
        show("defaults", "SELECT current_setting('TimeZone'), current_setting('server_version_num'), current_schema(), current_database(), current_user")
        conn.execute("SET TIME ZONE 'Europe/Paris'")
        conn.execute("SET search_path TO public, pg_catalog")
        conn.execute("SET SESSION application_name = 'report'")
        show("set", "SELECT current_setting('timezone'), current_setting('search_path'), current_setting('application_name')")
        show("show", "SHOW TIME ZONE")
        show("set_config", "SELECT set_config('application_name', 'other', false), current_setting('application_name')")
        conn.execute("SET search_path TO DEFAULT")
        show("reset", "SHOW search_path")
        show("missing", "SELECT current_setting('no.such', true)")
        show("names", "SELECT 1, 2::int8, upper('x'), 1 + 1 AS two, pg_backend_pid() = pg_backend_pid()")
        conn.execute("CREATE STREAM s (id BIGINT, name VARCHAR, price DECIMAL(8, 2))")
        # Untyped text parameters take the types of the columns they meet.
        cur = conn.cursor()
        cur.execute("INSERT INTO s VALUES (%s, %s, %s)", ("7", "7", "1.50"))
        show("typed", "SELECT id + 1, name || '!', price * 2 FROM s WHERE id = %s AND name = %s", "7", "7")
        try:
            conn.execute("SHOW no_such_setting")
        except psycopg.Error as error:
            print("error", error.sqlstate)
        """

    @Test func settingsFunctionsAndColumnNamesAnswerAsPostgres() async throws {
        try await ServeProcess.with { server, directory in
            let (status, text) = try await PythonClient.run(Self.script, arguments: [String(server.pgPort)], in: directory)
            #expect(status == 0, "\(text)")
            #expect(text == """
                defaults ['current_setting', 'current_setting', 'current_schema', 'current_database', 'current_user'] [('UTC', '150000', 'public', 'shop', 'me')]
                set ['current_setting', 'current_setting', 'current_setting'] [('Europe/Paris', 'public, pg_catalog', 'report')]
                show ['TimeZone'] [('Europe/Paris',)]
                set_config ['set_config', 'current_setting'] [('other', 'other')]
                reset ['search_path'] [('"$user", public',)]
                missing ['current_setting'] [(None,)]
                names ['?column?', 'int8', 'upper', 'two', '?column?'] [(1, 2, 'X', 2, True)]
                typed ['?column?', '?column?', '?column?'] [(8, '7!', Decimal('3.00'))]
                error 42704

                """, "\(text)\nserver: \(server.stderr)")
        }
    }
}
