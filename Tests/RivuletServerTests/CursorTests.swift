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

    /// A `SCROLL` cursor over a pull query moves as Postgres's does: backwards, to the first,
    /// last or any row, relative to the current one, past either end; each expected line below is
    /// what Postgres 15 answers to the same statements over the same rows. A cursor declared
    /// `NO SCROLL` refuses to move back, and a push query's rows cannot be scrolled.
    static let scrollScript = """
        import psycopg, sys
        port = int(sys.argv[1])
        def connect(**options):
            return psycopg.connect(host="127.0.0.1", port=port, user="py", dbname="rivulet", **options)
        with connect(autocommit=True) as conn:
            conn.execute("CREATE STREAM s (id BIGINT, name VARCHAR)")
            conn.execute("INSERT INTO s VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd'), (5, 'e')")
        with connect() as conn:
            # psycopg's scrollable server-side cursor: DECLARE ... SCROLL CURSOR, then MOVE [ABSOLUTE] n.
            with conn.cursor(name="scrolling", scrollable=True) as cur:
                cur.execute("SELECT id, name FROM s WHERE id > %s", (1,))
                print("first", cur.fetchone(), cur.rownumber)
                cur.scroll(2)
                print("after scroll(2)", cur.fetchone(), cur.rownumber)
                cur.scroll(-3)
                print("after scroll(-3)", cur.fetchone(), cur.rownumber)
                cur.scroll(0, mode="absolute")
                print("from the start", cur.fetchall())
                cur.scroll(3, mode="absolute")
                print("after scroll(3, absolute)", cur.fetchmany(5))
                cur.scroll(-2)
                print("back two", cur.fetchmany(1))
            conn.commit()
        with connect(autocommit=True) as conn:
            conn.execute("DECLARE c SCROLL CURSOR FOR SELECT id FROM s")
            for statement in [
                "FETCH LAST FROM c", "FETCH PRIOR FROM c", "FETCH FIRST FROM c", "FETCH ABSOLUTE 3 FROM c",
                "FETCH ABSOLUTE -2 FROM c", "FETCH RELATIVE -2 FROM c", "FETCH RELATIVE 0 FROM c", "FETCH BACKWARD 5 FROM c",
                "FETCH FORWARD 2 FROM c", "MOVE FORWARD ALL FROM c", "FETCH BACKWARD 2 FROM c", "FETCH ABSOLUTE 9 FROM c",
                "FETCH PRIOR FROM c", "MOVE ABSOLUTE 0 FROM c", "FETCH NEXT FROM c", "MOVE BACKWARD ALL IN c", "FETCH -1 FROM c",
                "FETCH ALL FROM c", "FETCH BACKWARD ALL FROM c", "MOVE RELATIVE 2 IN c", "FETCH 0 FROM c",
            ]:
                cur = conn.execute(statement)
                print(statement, cur.statusmessage, *([[row[0] for row in cur.fetchall()]] if cur.description else []))
            conn.execute("DECLARE f NO SCROLL CURSOR FOR SELECT id FROM s")
            print("forward", [row[0] for row in conn.execute("FETCH 2 FROM f").fetchall()])
            for statement in ["FETCH PRIOR FROM f", "DECLARE p SCROLL CURSOR FOR SELECT id FROM s EMIT CHANGES"]:
                try:
                    conn.execute(statement)
                except psycopg.Error as error:
                    print("error", error.sqlstate, error.diag.message_primary, "|", error.diag.message_hint)
        """

    @Test func scrollCursorsMoveOverAPullQuerysRowsAsPostgresDoes() async throws {
        try await ServeProcess.with { server, directory in
            let (status, text) = try await PythonClient.run(Self.scrollScript, arguments: [String(server.pgPort)], in: directory)
            #expect(status == 0, "\(text)")
            #expect(text == """
                first (2, 'b') 1
                after scroll(2) (5, 'e') 4
                after scroll(-3) (3, 'c') 2
                from the start [(2, 'b'), (3, 'c'), (4, 'd'), (5, 'e')]
                after scroll(3, absolute) [(5, 'e')]
                back two [(5, 'e')]
                FETCH LAST FROM c FETCH 1 [5]
                FETCH PRIOR FROM c FETCH 1 [4]
                FETCH FIRST FROM c FETCH 1 [1]
                FETCH ABSOLUTE 3 FROM c FETCH 1 [3]
                FETCH ABSOLUTE -2 FROM c FETCH 1 [4]
                FETCH RELATIVE -2 FROM c FETCH 1 [2]
                FETCH RELATIVE 0 FROM c FETCH 1 [2]
                FETCH BACKWARD 5 FROM c FETCH 1 [1]
                FETCH FORWARD 2 FROM c FETCH 2 [1, 2]
                MOVE FORWARD ALL FROM c MOVE 3
                FETCH BACKWARD 2 FROM c FETCH 2 [5, 4]
                FETCH ABSOLUTE 9 FROM c FETCH 0 []
                FETCH PRIOR FROM c FETCH 1 [5]
                MOVE ABSOLUTE 0 FROM c MOVE 0
                FETCH NEXT FROM c FETCH 1 [1]
                MOVE BACKWARD ALL IN c MOVE 0
                FETCH -1 FROM c FETCH 0 []
                FETCH ALL FROM c FETCH 5 [1, 2, 3, 4, 5]
                FETCH BACKWARD ALL FROM c FETCH 5 [5, 4, 3, 2, 1]
                MOVE RELATIVE 2 IN c MOVE 1
                FETCH 0 FROM c FETCH 1 [2]
                forward [1, 2]
                error 55000 cursor can only scan forward | Declare it with SCROLL option to enable backward scan.
                error 0A000 DECLARE SCROLL CURSOR ... EMIT CHANGES is not supported | \
                A push query's rows are unbounded: declare its cursor without SCROLL, or drop EMIT CHANGES.

                """, "\(text)\nserver: \(server.stderr)")
        }
    }
}
