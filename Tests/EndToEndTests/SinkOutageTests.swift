import Foundation
import TestBrokers
import Testing

/// A server query into Postgres while Postgres is stopped: SHOW QUERIES (read with psql) says
/// the sink is unavailable and retried, /metrics exports it, and both clear once it is back.
@Suite(.serialized) struct SinkOutageTests {
    @Test(.enabled(if: PostgresServer.isAvailable, "needs the Debian postgresql package"))
    func showQueriesAndMetricsTellWhileThePostgresSinkIsDown() async throws {
        try await offPool {
            let postgres = try PostgresServer()
            let folder = try RivuletProcess.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: folder) }
            let server = try ServeRun(dataDirectory: folder)
            defer { server.stop() }

            _ = try server.sql("""
                CREATE STREAM payments (id INT, account VARCHAR, amount INT);
                CREATE TABLE totals (account VARCHAR, n BIGINT, total BIGINT, PRIMARY KEY (account) NOT ENFORCED)
                  WITH ('connector' = 'postgres', 'url' = '\(postgres.url)', 'table' = 'totals');
                INSERT INTO payments VALUES (1, 'a', 10), (2, 'b', 20)
                """)
            #expect(try server.sql("INSERT INTO totals SELECT account, COUNT(*), SUM(amount) FROM payments GROUP BY account") == "q1\n")
            #expect(try eventually { try postgres.rows("SELECT account, n, total FROM totals ORDER BY account") == ["a|1|10", "b|1|20"] })
            #expect(try server.metric("rivulet_query_sink_available{query=\"q1\"}") == 1)

            try postgres.stop(mode: "immediate")
            _ = try server.sql("INSERT INTO payments VALUES (3, 'a', 5)")
            #expect(try eventually { try server.sql("SHOW QUERIES").hasPrefix("q1|RUNNING (sink unavailable: ") })
            let state = try server.sql("SHOW QUERIES").split(separator: "|")[1]
            #expect(state.hasSuffix(", retrying)"), "\(state)")
            #expect(try server.metric("rivulet_query_sink_available{query=\"q1\"}") == 0)
            #expect(try eventually { try server.metric("rivulet_query_sink_retries_total{query=\"q1\"}") ?? 0 >= 2 })
            #expect(try server.metric("rivulet_query_sink_outages_total{query=\"q1\"}") == 1)

            try postgres.start()
            #expect(try eventually { try postgres.rows("SELECT account, n, total FROM totals ORDER BY account") == ["a|2|15", "b|1|20"] })
            #expect(try eventually { try server.sql("SHOW QUERIES").hasPrefix("q1|RUNNING|") })
            #expect(try server.metric("rivulet_query_sink_available{query=\"q1\"}") == 1)
            // The log has the outage once, as a warning with the error, and the recovery.
            let events = server.logRecords().filter { $0["query"] == "q1" && $0["message"]?.hasPrefix("sink") == true }
            #expect(events.map { "\($0["level"] ?? "") \($0["message"] ?? "")" } == ["warning sink unavailable, retrying", "info sink recovered"], "\(events)")
            #expect(events.first?["error"]?.isEmpty == false && events.first?["sink"] == "totals", "\(events)")
            #expect(Int(events.last?["retries"] ?? "") ?? 0 >= 2, "\(events)")
        }
    }

    /// Polls `body` until it holds; an error (the sink's table not created yet) counts as not yet,
    /// and the last one is thrown if the deadline passes.
    func eventually(_ seconds: Double = 20, _ body: () throws -> Bool) throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if (try? body()) == true { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return try body()
    }

    /// `rivulet serve` on free ports, read with psql and its /metrics.
    final class ServeRun {
        let process = Process()
        let output: URL
        /// Standard error: the server's log, one JSON record per line.
        let log: URL
        var pgPort = 0
        var httpPort = 0

        init(dataDirectory: URL) throws {
            output = dataDirectory.appendingPathComponent("serve.out")
            FileManager.default.createFile(atPath: output.path, contents: nil)
            process.executableURL = RivuletProcess.executable
            log = dataDirectory.appendingPathComponent("serve.log")
            FileManager.default.createFile(atPath: log.path, contents: nil)
            process.arguments = [
                "serve", "--data-dir", dataDirectory.appendingPathComponent("data").path, "--pg-port", "0", "--http-port", "0",
                "--log-format", "json",
            ]
            process.currentDirectoryURL = dataDirectory
            process.standardOutput = try FileHandle(forWritingTo: output)
            process.standardError = try FileHandle(forWritingTo: log)
            try process.run()
            let deadline = Date().addingTimeInterval(30)
            while pgPort == 0 || httpPort == 0, process.isRunning, Date() < deadline {
                for line in ((try? String(contentsOf: output, encoding: .utf8)) ?? "").split(separator: "\n") {
                    let port = line.split(separator: ":").last.flatMap { Int($0) } ?? 0
                    if line.hasPrefix("pgwire listening on ") { pgPort = port }
                    if line.hasPrefix("http listening on ") { httpPort = port }
                }
                Thread.sleep(forTimeInterval: 0.02)
            }
            guard pgPort != 0, httpPort != 0 else { throw PostgresServer.Failure(message: "rivulet serve did not start") }
        }

        func stop() {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
        }

        /// Runs `sql` with psql (unaligned, tuples only).
        func sql(_ sql: String) throws -> String {
            try PostgresServer.run("/usr/bin/psql", ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", "\(pgPort)", "-U", "u",
                                                     "-d", "rivulet", "-c", sql])
        }

        /// The log's records so far, each as its string fields.
        func logRecords() -> [[String: String]] {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String] }
        }

        /// The value of one series of /metrics.
        func metric(_ series: String) throws -> Int? {
            let text = try PostgresServer.run("/usr/bin/env", [
                "python3", "-c", "import urllib.request, sys; print(urllib.request.urlopen(sys.argv[1]).read().decode())",
                "http://127.0.0.1:\(httpPort)/metrics",
            ])
            for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
                return Int(line.dropFirst(series.count + 1))
            }
            return nil
        }
    }
}
