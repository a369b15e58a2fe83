import Foundation
import Testing

/// The server driven by psycopg 3, the Python Postgres driver (`.ci/run` installs it from PyPI):
/// the extended protocol with parameters, transactions it opens by itself, and a push query
/// read row by row and then cancelled.
@Suite(.timeLimit(.minutes(2)))
struct PsycopgTests {
    static let script = """
        import psycopg, sys, threading, time
        port = int(sys.argv[1])
        def connect(**options):
            return psycopg.connect(host="127.0.0.1", port=port, user="py", dbname="rivulet", **options)
        with connect(autocommit=True) as conn:
            conn.execute("CREATE STREAM s (id INT, name VARCHAR)")
            conn.execute("INSERT INTO s VALUES (1, 'a'), (2, 'b'), (3, 'c')")
            print("params", conn.execute("SELECT id, name FROM s WHERE id >= %s AND name <> %s", (2, "x")).fetchall())
        with connect() as conn:
            print("transaction", conn.execute("SELECT name FROM s WHERE id = %s", (1,)).fetchall())
            conn.commit()
        with connect(autocommit=True) as conn:
            def append_later():
                time.sleep(0.5)
                with connect(autocommit=True) as other:
                    other.execute("INSERT INTO s VALUES (%s, %s)", (4, "d"))
            threading.Thread(target=append_later).start()
            seen = 0
            try:
                for row in conn.cursor().stream("SELECT id, UPPER(name) AS name FROM s EMIT CHANGES"):
                    print("row", row, flush=True)
                    seen += 1
                    if seen == 4:
                        conn.cancel()
            except psycopg.errors.QueryCanceled:
                print("cancelled")
            print("after", conn.execute("SELECT COUNT(*) AS n FROM s").fetchone())
        """

    @Test func parametersTransactionsAndACancelledPushQuery() async throws {
        try await ServeProcess.with { server, directory in
            let scriptURL = directory.appendingPathComponent("client.py")
            try Self.script.write(to: scriptURL, atomically: true, encoding: .utf8)
            let output = directory.appendingPathComponent("client.out")
            FileManager.default.createFile(atPath: output.path, contents: nil)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [ProcessInfo.processInfo.environment["PYTHON"] ?? "python3", scriptURL.path, String(server.pgPort)]
            let handle = try FileHandle(forWritingTo: output)
            process.standardOutput = handle
            process.standardError = handle
            let status: Int32 = try await withCheckedThrowingContinuation { continuation in
                process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
                do { try process.run() } catch {
                    process.terminationHandler = nil
                    continuation.resume(throwing: error)
                }
            }
            try handle.close()
            let text = try String(contentsOf: output, encoding: .utf8)
            #expect(status == 0, "\(text)")
            #expect(text == """
                params [(2, 'b'), (3, 'c')]
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
}
