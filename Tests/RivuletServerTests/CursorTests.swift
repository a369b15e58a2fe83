import Foundation
import Testing

/// `DECLARE c CURSOR FOR ...` with `FETCH n FROM c`: any query read a few rows at a time, a push
/// query among them, for clients that read results through cursors (psycopg's and psycopg2's
/// named cursors, postgres_fdw) or cannot hold a stream open.
@Suite(.timeLimit(.minutes(2)))
struct CursorTests {
    static let script = """
        import psycopg, sys
        port = int(sys.argv[1])
        def connect(**options):
            return psycopg.connect(host="127.0.0.1", port=port, user="py", dbname="rivulet", **options)
        with connect(autocommit=True) as conn:
            conn.execute("CREATE STREAM s (id BIGINT, name VARCHAR)")
            conn.execute("INSERT INTO s VALUES (1, 'a'), (2, 'b'), (3, 'c')")
        with connect() as conn:
            # psycopg's server-side cursor: DECLARE "pull" CURSOR ... then FETCH FORWARD n FROM "pull".
            with conn.cursor(name="pull") as cur:
                # A text parameter: DECLARE takes the type its query gives it.
                cur.execute("SELECT id, name FROM s WHERE id >= %s AND name > %s", ("2", "a"))
                print("pull", cur.fetchmany(1), cur.fetchmany(5), cur.fetchmany(5))
            with conn.cursor(name="push") as cur:
                cur.execute("SELECT id, UPPER(name) AS name FROM s EMIT CHANGES")
                print("push", cur.fetchmany(3))
                with connect(autocommit=True) as other:
                    other.execute("INSERT INTO s VALUES (%s, %s)", (4, "d"))
                # Waits for the row appended after the cursor was declared.
                print("then", cur.fetchmany(1))
            conn.commit()
        with connect(autocommit=True) as conn:
            conn.execute("DECLARE c CURSOR FOR SELECT id FROM s")
            print("fetch", conn.execute("FETCH 2 FROM c").fetchall(), conn.execute("FETCH ALL IN c").fetchall())
            conn.execute("CLOSE c")
            for statement in ["FETCH 1 FROM c", "DECLARE d CURSOR FOR SELECT nope FROM s"]:
                try:
                    conn.execute(statement)
                except psycopg.Error as error:
                    print("error", error.sqlstate, error.diag.message_primary, error.diag.statement_position)
        """

    @Test func cursorsReadPullAndPushQueriesAFewRowsAtATime() async throws {
        try await ServeProcess.with { server, directory in
            let (status, text) = try await PythonClient.run(Self.script, arguments: [String(server.pgPort)], in: directory)
            #expect(status == 0, "\(text)")
            #expect(text == """
                pull [(2, 'b')] [(3, 'c')] []
                push [(1, 'A'), (2, 'B'), (3, 'C')]
                then [(4, 'D')]
                fetch [(1,), (2,)] [(3,), (4,)]
                error 34000 cursor "c" does not exist None
                error 42703 unknown column 'nope' 29

                """, "\(text)\nserver: \(server.stderr)")
        }
    }
}
