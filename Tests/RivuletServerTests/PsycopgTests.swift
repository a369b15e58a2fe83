import Foundation
import Testing

/// The server driven by psycopg 3, the Python Postgres driver (`.ci/run` installs it from PyPI):
/// the extended protocol with parameters, transactions it opens by itself, and a push query
/// read row by row and then cancelled.
@Suite(.timeLimit(.minutes(2)))
struct PsycopgTests {
    static let script = """
        import psycopg, sys
        port = int(sys.argv[1])
        def connect(**options):
            return psycopg.connect(host="127.0.0.1", port=port, user="py", dbname="rivulet", **options)
        with connect(autocommit=True) as conn:
            conn.execute("CREATE STREAM s (id INT, name VARCHAR)")
            conn.execute("INSERT INTO s VALUES (1, 'a'), (2, 'b'), (3, 'c')")
            print("params", conn.execute("SELECT id, name FROM s WHERE id >= %s AND name <> %s", (2, "x")).fetchall())
        with connect() as conn:
            # What connection pools send to check a connection, inside the transaction psycopg opens.
            print("health", conn.cursor().execute("SELECT 1").fetchone())
            print("transaction", conn.execute("SELECT name FROM s WHERE id = %s", (1,)).fetchall())
            conn.commit()
        with connect(autocommit=True) as conn:
            seen = 0
            try:
                for row in conn.cursor().stream("SELECT id, UPPER(name) AS name FROM s EMIT CHANGES"):
                    print("row", row, flush=True)
                    seen += 1
                    if seen == 3:
                        # The rows already there came first; a row appended now must follow.
                        with connect(autocommit=True) as other:
                            other.execute("INSERT INTO s VALUES (%s, %s)", (4, "d"))
                    if seen == 4:
                        conn.cancel()
            except psycopg.errors.QueryCanceled:
                print("cancelled")
            print("after", conn.execute("SELECT COUNT(*) AS n FROM s").fetchone())
        """

    @Test func parametersTransactionsAndACancelledPushQuery() async throws {
        try await ServeProcess.with { server, directory in
            let (status, text) = try await PythonClient.run(Self.script, arguments: [String(server.pgPort)], in: directory)
            #expect(status == 0, "\(text)")
            #expect(text == """
                params [(2, 'b'), (3, 'c')]
                health (1,)
                transaction [('a',)]
                row (1, 'A')
                row (2, 'B')
                row (3, 'C')
                row (4, 'D')
                cancelled
                after (4,)

                """, "\(text)\nserver: \(server.stderr)")
        }
    }

    static let followScript = """
        import psycopg, sys, time
        port = int(sys.argv[1])
        def connect():
            return psycopg.connect(host="127.0.0.1", port=port, user="py", dbname="rivulet", autocommit=True)
        with connect() as conn:
            conn.execute("CREATE STREAM views (user_id INT, url VARCHAR)")
            conn.execute("CREATE TABLE counts AS SELECT user_id, COUNT(*) AS n FROM views GROUP BY user_id")
            conn.execute("INSERT INTO views VALUES (1, 'a'), (2, 'b')")
            deadline = time.monotonic() + 20
            while len(conn.execute("SELECT * FROM counts").fetchall()) < 2:
                if time.monotonic() > deadline:
                    sys.exit("the table did not count both users within 20 s")
                time.sleep(0.05)
            seen = 0
            for row in conn.cursor().stream("SELECT * FROM counts EMIT CHANGES LIMIT 5"):
                print("change", row, flush=True)
                seen += 1
                if seen == 2:
                    # The current rows came first; what happens from now on follows.
                    with connect() as other:
                        other.execute("INSERT INTO views VALUES (1, 'c'), (3, 'd')")
            print("now", sorted(conn.execute("SELECT user_id, n FROM counts").fetchall()))
        """

    @Test func aPushQueryOverAMaterializedTableFollowsItsChanges() async throws {
        try await ServeProcess.with { server, directory in
            let (status, text) = try await PythonClient.run(Self.followScript, arguments: [String(server.pgPort)], in: directory)
            #expect(status == 0, "\(text)")
            #expect(text == """
                change ('+I', 1, 1)
                change ('+I', 2, 1)
                change ('-U', 1, 1)
                change ('+U', 1, 2)
                change ('+I', 3, 1)
                now [(1, 2), (2, 1), (3, 1)]

                """, "\(text)\nserver: \(server.stderr)")
        }
    }

    /// Nexmark q12's view and query, on 2-second windows: the window the stream's rows were
    /// taken in closes when the clock passes its end, while nothing more arrives.
    static let processingTimeScript = """
        import psycopg, sys, datetime
        port = int(sys.argv[1])
        def connect():
            return psycopg.connect(host="127.0.0.1", port=port, user="py", dbname="rivulet", autocommit=True)
        def utc_now():
            return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
        with connect() as conn:
            conn.execute("CREATE STREAM bid (auction BIGINT, bidder BIGINT, price BIGINT)")
            conn.execute("CREATE VIEW B AS SELECT *, PROCTIME() as p_time FROM bid")
            conn.execute("INSERT INTO bid VALUES (10, 1, 5), (11, 2, 7), (10, 1, 9), (12, 1, 3), (11, 2, 8)")
            query = \"\"\"SELECT bidder, count(*) as bid_count, window_start AS starttime, window_end AS endtime
                FROM TABLE(TUMBLE(TABLE B, DESCRIPTOR(p_time), INTERVAL '2' SECOND))
                GROUP BY bidder, window_start, window_end EMIT FINAL\"\"\"
            started = utc_now()
            rows = []
            try:
                for bidder, count, start, end in conn.cursor().stream(query):
                    arrived = utc_now()
                    rows.append((bidder, count, end - start, start + datetime.timedelta(seconds=2) > started,
                                 arrived >= end - datetime.timedelta(milliseconds=1), start))
                    if len(rows) == 2:
                        conn.cancel()
            except psycopg.errors.QueryCanceled:
                print("cancelled")
            for bidder, count, size, after_start, after_end, _ in sorted(rows):
                print("row", bidder, count, size, "taken after the query started:", after_start,
                      "emitted once the clock passed its end:", after_end)
            print("one window:", len({row[5] for row in rows}) == 1)
        """

    @Test func aProcessingTimeWindowClosesOnTheClockWhileItsStreamIsQuiet() async throws {
        try await ServeProcess.with { server, directory in
            let (status, text) = try await PythonClient.run(Self.processingTimeScript, arguments: [String(server.pgPort)], in: directory)
            #expect(status == 0, "\(text)")
            #expect(text == """
                cancelled
                row 1 3 0:00:02 taken after the query started: True emitted once the clock passed its end: True
                row 2 2 0:00:02 taken after the query started: True emitted once the clock passed its end: True
                one window: True

                """, "\(text)\nserver: \(server.stderr)")
        }
    }
}
