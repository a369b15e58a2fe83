import Foundation
import Testing

/// The error log as a table: records a query skipped are rows of `rivulet_errors`, read with
/// psql and psycopg, kept up to `SET 'errors.max-entries'` per query with the trimming counted.
@Suite(.timeLimit(.minutes(3)))
struct ErrorLogTableTests {
    /// Ten readings, the even ones unreadable.
    static let readings = (1...10).map { i in i % 2 == 0 ? "\(i),oops\(i)" : "\(i),\(i * 10)" }.joined(separator: "\n") + "\n"

    static let client = """
        import psycopg, sys
        with psycopg.connect(host="127.0.0.1", port=int(sys.argv[1]), user="py", dbname="rivulet", autocommit=True) as conn:
            for row in conn.execute("SELECT query_id, source, raw_text FROM rivulet_errors WHERE query_id = %s", ("q1",)).fetchall():
                print(row)
            print(conn.execute("SELECT * FROM rivulet_errors WHERE query_id = %s", ("q2",)).fetchall())
        """

    @Test func skippedRecordsAreRowsOfABoundedTable() async throws {
        try await ServeProcess.with { server, directory in
            try Self.readings.write(to: directory.appendingPathComponent("readings.csv"), atomically: true, encoding: .utf8)
            _ = try await server.sql("""
                CREATE STREAM readings (id INT, v INT) WITH ('connector' = 'filesystem', 'path' = 'readings.csv', 'format' = 'csv');
                CREATE STREAM kept (id INT, v INT);
                CREATE STREAM doubled (id INT, v INT)
                """)
            #expect(try await server.sql("SET 'errors.max-entries' = '3'; INSERT INTO kept SELECT id, v FROM readings") == "SET\nq1\n")
            #expect(try await server.sql("INSERT INTO doubled SELECT id, v * 2 FROM kept") == "q2\n")
            #expect(try await ServeProcess.eventually { try await server.sql("SHOW QUERIES").hasPrefix("q1|FINISHED|") })

            // Five records were skipped; the log keeps the newest three and counts the two trimmed.
            let q1 = try await server.sql("SHOW QUERIES").split(separator: "\n").first!.split(separator: "|", omittingEmptySubsequences: false)
            #expect(q1[5] == "5" && q1[6] == "2", "bad_records and errors_trimmed: \(q1)")
            let rows = try await server.sql("SELECT query_id, source, position, raw_text, reason FROM rivulet_errors WHERE query_id = 'q1'")
            let lines = rows.split(separator: "\n").map { $0.split(separator: "|", omittingEmptySubsequences: false) }
            #expect(lines.map { $0[3] } == ["6,oops6", "8,oops8", "10,oops10"], "\(rows)")
            #expect(lines.allSatisfy { $0[0] == "q1" && $0[1] == "readings" && $0[2].hasSuffix(":\($0[3].prefix { $0 != "," })") }, "\(rows)")
            #expect(lines.allSatisfy { $0[4].contains("oops") }, "the reason names the bad value: \(rows)")
            #expect(try await server.sql("SELECT COUNT(*) FROM rivulet_errors WHERE error_time IS NOT NULL") == "3\n")
            let metrics = try RawSocket.httpGet(port: server.httpPort, path: "/metrics").body
            #expect(metrics.contains("rivulet_query_error_log_trimmed_total{query=\"q1\"} 2"), "\(metrics)")

            let (status, text) = try await PythonClient.run(Self.client, arguments: [String(server.pgPort)], in: directory)
            #expect(status == 0, "\(text)")
            #expect(text == """
                ('q1', 'readings', '6,oops6')
                ('q1', 'readings', '8,oops8')
                ('q1', 'readings', '10,oops10')
                []

                """, "\(text)\nserver: \(server.stderr)")
        }
    }

    /// A server killed once its query's first checkpoint is on disk but before the sink committed
    /// it: after the restart the query reads its input again from the beginning, and each
    /// skipped record is in the error log once (the lines tagged with the lost checkpoint go).
    @Test func aResumedQueryLogsEachSkippedRecordOnce() async throws {
        let directory = try ServeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.readings.write(to: directory.appendingPathComponent("readings.csv"), atomically: true, encoding: .utf8)
        let crashing = try await ServeProcess.start(
            dataDirectory: directory, environment: ["RIVULET_CRASH_AT": "after-checkpoint-write:1"])
        _ = try await crashing.sql("""
            CREATE STREAM readings (id INT, v INT) WITH ('connector' = 'filesystem', 'path' = 'readings.csv', 'format' = 'csv');
            CREATE TABLE kept (id INT, v INT, PRIMARY KEY (id) NOT ENFORCED) WITH ('connector' = 'sqlite', 'path' = 'kept.db')
            """)
        #expect(try await crashing.sql("INSERT INTO kept SELECT id, v FROM readings") == "q1\n")
        #expect(try await ServeProcess.eventually { !crashing.process.isRunning })
        await crashing.stop()
        #expect(crashing.process.terminationReason == .uncaughtSignal, "the crash point was never reached: \(crashing.stderr)")

        let server = try await ServeProcess.start(dataDirectory: directory)
        defer { server.kill() }
        #expect(try await ServeProcess.eventually { try await server.sql("SHOW QUERIES").hasPrefix("q1|FINISHED|") })
        let raw = try await server.sql("SELECT raw_text FROM rivulet_errors WHERE query_id = 'q1'")
        #expect(raw.split(separator: "\n").sorted() == ["10,oops10", "2,oops2", "4,oops4", "6,oops6", "8,oops8"], "\(raw)")
        #expect(try await server.sql("SELECT COUNT(*) FROM kept") == "5\n")
        await server.stop()
    }

    @Test func theErrorLogIsReadOnly() async throws {
        try await ServeProcess.with { server, _ in
            let result = try await server.psql(["-c", "INSERT INTO rivulet_errors SELECT * FROM rivulet_errors"])
            #expect(result.status != 0)
            #expect(result.stderr.contains("read-only"), "\(result.stderr)")
        }
    }
}
