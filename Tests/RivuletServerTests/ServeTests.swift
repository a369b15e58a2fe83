import Foundation
import Testing

/// `rivulet serve` as a user runs it: the real binary on free ports, driven by the real psql.
@Suite(.timeLimit(.minutes(3)))
struct ServeTests {
    @Test func persistentQueryKeepsWritingRowsIntoSQLiteAsTheyArrive() async throws {
        try await ServeProcess.with { server, directory in
            let database = directory.appendingPathComponent("out.db").path
            #expect(try await server.sql("CREATE STREAM clicks (user_id INT, page VARCHAR)") == "CREATE STREAM\n")
            _ = try await server.sql("""
                CREATE TABLE pages (user_id INT, page VARCHAR, PRIMARY KEY (user_id) NOT ENFORCED)
                  WITH ('connector' = 'sqlite', 'path' = '\(database)')
                """)
            #expect(try await server.sql("INSERT INTO clicks VALUES (1, 'home'), (2, 'cart')") == "INSERT 0 2\n")
            #expect(try await server.sql("INSERT INTO pages SELECT user_id, UPPER(page) FROM clicks") == "q1\n")
            #expect(try await Self.eventually { try Self.sqlite(database, "SELECT user_id, page FROM pages ORDER BY user_id") == "1|HOME\n2|CART\n" })
            // Rows appended later flow through the running query.
            _ = try await server.sql("INSERT INTO clicks VALUES (3, 'checkout'), (1, 'search')")
            #expect(try await Self.eventually {
                try Self.sqlite(database, "SELECT user_id, page FROM pages ORDER BY user_id") == "1|SEARCH\n2|CART\n3|CHECKOUT\n"
            })
            let queries = try await server.sql("SHOW QUERIES")
            #expect(queries.hasPrefix("q1|RUNNING|4|4|0|0|0||INSERT INTO pages SELECT"), "\(queries)")
        }
    }

    @Test func pushQueryStreamsNewRowsUntilItsLimit() async throws {
        try await ServeProcess.with { server, directory in
            _ = try await server.sql("CREATE STREAM s (id INT, name VARCHAR); INSERT INTO s VALUES (1, 'a'), (2, 'b')")
            let push = try await server.startPsql(["-c", "SELECT id, UPPER(name) AS name FROM s WHERE id > 1 EMIT CHANGES LIMIT 3"])
            _ = try await server.sql("INSERT INTO s VALUES (3, 'c')")
            _ = try await server.sql("INSERT INTO s VALUES (4, 'd'), (5, 'e')")
            let result = try await push.value
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout == "2|B\n3|C\n4|D\n")
        }
    }

    @Test func changelogOfAPushQueryCarriesTheChangeKindAndAPullQueryReadsTheTable() async throws {
        try await ServeProcess.with { server, directory in
            _ = try await server.sql("CREATE STREAM s (name VARCHAR)")
            for name in ["a", "a", "b"] { _ = try await server.sql("INSERT INTO s VALUES ('\(name)')") }
            let changes = try await server.psql(["-c", "SELECT name, COUNT(*) AS n FROM s GROUP BY name EMIT CHANGES LIMIT 4"])
            #expect(changes.stdout == "+I|a|1\n-U|a|1\n+U|a|2\n+I|b|1\n", "\(changes.stderr)")
            let header = try await server.psql(["-P", "tuples_only=off", "-c", "SELECT name, COUNT(*) AS n FROM s GROUP BY name EMIT CHANGES LIMIT 1"])
            #expect(header.stdout.hasPrefix("op|name|n\n"), "\(header.stdout)")

            #expect(try await server.sql("CREATE TABLE counts AS SELECT name, COUNT(*) AS n FROM s GROUP BY name") == "q1\n")
            #expect(try await Self.eventually { try await server.sql("SELECT * FROM counts WHERE name = 'a'") == "a|2\n" })
            _ = try await server.sql("INSERT INTO s VALUES ('a'), ('c')")
            #expect(try await Self.eventually { try await server.sql("SELECT name, n FROM counts") == "a|3\nb|1\nc|1\n" })
            #expect(try await server.sql("DESCRIBE counts").contains("name|VARCHAR|t|t|"))
        }
    }

    @Test func errorsCarryTheirPositionAndLeaveTheServerUsable() async throws {
        try await ServeProcess.with { server, directory in
            let result = try await server.psql(["-c", "CREATE STREAM s (a INT); SELECT a FORM s"])
            #expect(result.status == 1)
            let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let lineIndex = try #require(lines.firstIndex(of: "LINE 1: CREATE STREAM s (a INT); SELECT a FORM s"), "\(result.stderr)")
            #expect(lines[lineIndex + 1] == String(repeating: " ", count: "LINE 1: CREATE STREAM s (a INT); SELECT a ".count) + "^")
            let unknown = try await server.psql(["-c", "SELECT b FROM s"])
            #expect(unknown.status == 1)
            #expect(unknown.stderr.contains("ERROR:  "), "\(unknown.stderr)")
            #expect(unknown.stderr.contains("LINE 1: SELECT b FROM s"), "\(unknown.stderr)")
            // The CREATE before the error took effect.
            #expect(try await server.sql("SHOW STREAMS") == "s|embedded|1\n")
            #expect(try await server.sql("SELECT version()").hasPrefix("PostgreSQL 15.0"))
            #expect(try await server.sql("SHOW transaction_isolation") == "read committed\n")
            #expect(try await server.sql("BEGIN; SET 'table.exec.state.ttl' = '1 h'; COMMIT") == "BEGIN\nSET\nCOMMIT\n")
        }
    }

    @Test func selectWithoutFromAnswersHealthChecksAndEvaluatesExpressions() async throws {
        try await ServeProcess.with { server, directory in
            #expect(try await server.sql("SELECT 1") == "1\n")
            let header = try await server.psql(["-P", "tuples_only=off", "-c", "SELECT 1 + 1 AS two, UPPER('a') AS up"])
            #expect(header.stdout == "two|up\n2|A\n(1 row)\n", "\(header.stderr)")
            #expect(try await server.sql("SELECT CAST('2024-01-01 00:00:00' AS TIMESTAMP) + INTERVAL '1' DAY") == "2024-01-02 00:00:00.000\n")
            #expect(try await server.sql("SELECT COUNT(*) AS n") == "1\n")
            #expect(try await server.sql("SELECT 1 WHERE false") == "")
            // A push query over the one row emits it and ends.
            #expect(try await server.sql("SELECT 7 AS n EMIT CHANGES") == "7\n")
            let star = try await server.psql(["-c", "SELECT *"])
            #expect(star.status == 1)
            #expect(star.stderr.contains("no tables"), "\(star.stderr)")
        }
    }

    @Test func showQueriesTerminateAndAFailedQueryLeavesTheOthersRunning() async throws {
        try await ServeProcess.with { server, directory in
            _ = try await server.sql("""
                CREATE STREAM s (id INT);
                CREATE STREAM copy1 (id INT);
                CREATE STREAM copy2 (id INT);
                CREATE STREAM missing (id INT) WITH ('connector' = 'file', 'path' = '\(directory.path)/nowhere/in.csv', 'format' = 'csv');
                INSERT INTO s VALUES (1), (2)
                """)
            #expect(try await server.sql("INSERT INTO copy1 SELECT id FROM s") == "q1\n")
            #expect(try await server.sql("INSERT INTO copy2 SELECT id * 10 FROM s") == "q2\n")
            #expect(try await server.sql("INSERT INTO copy1 SELECT id FROM missing") == "q3\n")
            #expect(try await Self.eventually { try await server.sql("SHOW QUERIES").contains("q3|FAILED|") })
            #expect(try await Self.eventually { try await server.sql("SELECT id FROM copy2") == "10\n20\n" })

            let dropRefused = try await server.psql(["-c", "DROP STREAM copy2"])
            #expect(dropRefused.status == 1)
            #expect(dropRefused.stderr.contains("q2"), "\(dropRefused.stderr)")
            #expect(try await server.sql("TERMINATE q2") == "TERMINATE\n")
            _ = try await server.sql("INSERT INTO s VALUES (3)")
            #expect(try await Self.eventually { try await server.sql("SELECT id FROM copy1") == "1\n2\n3\n" })
            #expect(try await server.sql("SELECT id FROM copy2") == "10\n20\n")
            let states = try await server.sql("SHOW QUERIES").split(separator: "\n").map { $0.split(separator: "|").prefix(2).joined(separator: "|") }
            #expect(states == ["q1|RUNNING", "q2|TERMINATED", "q3|FAILED"])
            #expect(try await server.sql("EXPLAIN q2").contains("Scan: s"))
            let described = try await server.sql("DESCRIBE EXTENDED s")
            #expect(described.contains("(query q1)|reads, RUNNING: rows in 3, rows out 3, late rows 0, bad records 0|||\n"), "\(described)")
            #expect(described.contains("(query q2)|reads, TERMINATED: rows in 2, rows out 2"), "\(described)")
            let unknown = try await server.psql(["-c", "TERMINATE q9"])
            #expect(unknown.stderr.contains("no query 'q9'"), "\(unknown.stderr)")
        }
    }

    @Test func settingsInForceAreListedAndResetPerSession() async throws {
        try await ServeProcess.with { server, directory in
            let defaults = """
                execution.checkpointing.interval|1000 ms|default
                state.memory-budget||default
                errors.max-entries|10000|default
                table.exec.state.ttl|0|default
                statement_timeout|0|default
                auto.offset.reset|latest|default
                ksql.schema.registry.url||default
                ksql.functions.collect_list.limit||default
                ksql.functions.collect_set.limit||default
                late-rows.sink||default

                """
            #expect(try await server.sql("SHOW PROPERTIES") == defaults)
            // Flink's SET; lists what the session set, ksqlDB's LIST PROPERTIES too; RESET clears one key or all.
            let session = try await server.sql("""
                SET 'table.exec.state.ttl' = '1 h'; SET 'pipeline.name' = 'kpis'; SET;
                RESET 'table.exec.state.ttl'; LIST PROPERTIES; RESET; SHOW PROPERTIES
                """)
            let afterSet = defaults.replacingOccurrences(of: "table.exec.state.ttl|0|default", with: "table.exec.state.ttl|1 h|session")
                + "pipeline.name|kpis|session\n"
            let afterResetKey = defaults + "pipeline.name|kpis|session\n"
            #expect(session == "SET\nSET\n" + afterSet + "RESET\n" + afterResetKey + "RESET\n" + defaults, "\(session)")
            // Settings belong to the connection that made them.
            #expect(try await server.sql("SET") == defaults)
        }
    }

    @Test func viewsAreListedAndDescribed() async throws {
        try await ServeProcess.with { server, directory in
            _ = try await server.sql("""
                CREATE STREAM clicks (user_id INT, page VARCHAR);
                CREATE VIEW home_clicks AS SELECT user_id, UPPER(page) AS page FROM clicks WHERE page = 'home'
                """)
            #expect(try await server.sql("SHOW VIEWS") == "home_clicks|2|SELECT user_id, UPPER(page) AS page FROM clicks WHERE page = 'home'\n")
            #expect(try await server.sql("DESCRIBE home_clicks") == "user_id|INT|t|f|\npage|VARCHAR|t|f|\n")
            let extended = try await server.sql("DESCRIBE EXTENDED home_clicks")
            #expect(extended.hasSuffix("(view)|SELECT user_id, UPPER(page) AS page FROM clicks WHERE page = 'home'|||\n"), "\(extended)")
            #expect(try await server.sql("DROP VIEW home_clicks; SHOW VIEWS") == "DROP VIEW\n")
        }
    }

    /// Definitions for a query that runs (q1, from `s`) and one that fails (q2, reading a file that is not there).
    static func runningAndFailingQueries(_ server: ServeProcess, in directory: URL) async throws {
        _ = try await server.sql("""
            CREATE STREAM s (id INT);
            CREATE STREAM copy (id INT);
            CREATE STREAM missing (id INT) WITH ('connector' = 'file', 'path' = '\(directory.path)/nowhere/in.csv', 'format' = 'csv')
            """)
        #expect(try await server.sql("INSERT INTO copy SELECT id FROM s") == "q1\n")
        #expect(try await server.sql("INSERT INTO copy SELECT id FROM missing") == "q2\n")
    }

    @Test func queryStartsStopsAndFailuresAreLoggedAsJSONLines() async throws {
        try await ServeProcess.withArguments(["--log-format", "json"]) { server, directory in
            try await Self.runningAndFailingQueries(server, in: directory)
            #expect(try await Self.eventually { server.stderr.contains("\"message\":\"query failed\"") })
            #expect(try await server.sql("TERMINATE q1") == "TERMINATE\n")
            let records = server.stderr.split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String]
            }
            let events = records.filter { $0["logger"] == "rivulet.queries" }.map {
                "\($0["query"] ?? "") \($0["level"] ?? "") \($0["message"] ?? "")"
            }
            #expect(events == ["q1 info query started", "q2 info query started", "q2 error query failed", "q1 info query stopped"], "\(server.stderr)")
            let failure = try #require(records.first { $0["message"] == "query failed" })
            #expect(failure["error"]?.contains("nowhere/in.csv") == true, "\(failure)")
            #expect(failure["time"]?.hasSuffix("Z") == true, "\(failure)")
        }
    }

    @Test func checkpointsAndConnectionsAreLoggedAtDebugLevel() async throws {
        try await ServeProcess.withArguments(["--log-format", "json", "--log-level", "debug"]) { server, directory in
            let database = directory.appendingPathComponent("out.db").path
            _ = try await server.sql("""
                CREATE STREAM s (id INT);
                CREATE TABLE copy (id INT, PRIMARY KEY (id) NOT ENFORCED) WITH ('connector' = 'sqlite', 'path' = '\(database)');
                INSERT INTO s VALUES (1), (2)
                """)
            #expect(try await server.sql("INSERT INTO copy SELECT id FROM s") == "q1\n")
            func records() -> [[String: String]] {
                server.stderr.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String] }
            }
            #expect(try await Self.eventually { records().contains { $0["message"] == "checkpoint taken" } }, "\(server.stderr)")
            let checkpoint = try #require(records().first { $0["message"] == "checkpoint taken" })
            #expect(checkpoint["level"] == "debug" && checkpoint["query"] == "q1" && Int(checkpoint["bytes"] ?? "") != nil, "\(checkpoint)")
            // Each psql run above opened and closed a connection of user u.
            let connections = records().filter { $0["logger"] == "rivulet.connections" }
            #expect(connections.filter { $0["message"] == "connection opened" }.count >= 2, "\(server.stderr)")
            #expect(connections.allSatisfy { $0["level"] == "debug" && $0["user"] == "u" }, "\(connections)")
            #expect(try await Self.eventually { records().contains { $0["message"] == "connection closed" } })
        }
    }

    @Test func logLevelLeavesOutLessSevereRecords() async throws {
        try await ServeProcess.withArguments(["--log-level", "error"]) { server, directory in
            try await Self.runningAndFailingQueries(server, in: directory)
            #expect(try await Self.eventually { server.stderr.contains("query failed") })
            // q1 started before q2 failed: its record would be there by now.
            #expect(!server.stderr.contains("query started"), "\(server.stderr)")
        }
    }

    @Test func restartBringsBackStreamsTablesRowsAndQueries() async throws {
        let directory = try ServeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            let server = try await ServeProcess.start(dataDirectory: directory)
            _ = try await server.sql("""
                CREATE STREAM s (name VARCHAR);
                INSERT INTO s VALUES ('a'), ('b'), ('a');
                CREATE STREAM dropped (x INT);
                CREATE STREAM upper_names (name VARCHAR);
                CREATE STREAM missing_copy (name VARCHAR);
                CREATE STREAM missing (name VARCHAR) WITH ('connector' = 'file', 'path' = '\(directory.path)/nowhere/in.csv', 'format' = 'csv')
                """)
            #expect(try await server.sql("CREATE TABLE counts AS SELECT name, COUNT(*) AS n FROM s GROUP BY name") == "q1\n")
            #expect(try await server.sql("INSERT INTO upper_names SELECT UPPER(name) FROM s") == "q2\n")
            #expect(try await server.sql("INSERT INTO upper_names SELECT name FROM s WHERE name = 'zzz'") == "q3\n")
            _ = try await server.sql("TERMINATE q3; DROP STREAM dropped")
            #expect(try await server.sql("INSERT INTO missing_copy SELECT name FROM missing") == "q4\n")
            #expect(try await Self.eventually { try await server.sql("SHOW QUERIES").contains("q4|FAILED|") })
            #expect(try await Self.eventually { try await server.sql("SELECT n FROM counts WHERE name = 'a'") == "2\n" })
            #expect(await server.stop() == 0)
            #expect(server.stderr.contains("stopped"))
        }
        let server = try await ServeProcess.start(dataDirectory: directory)
        defer { server.kill() }
        #expect(try await server.sql("SHOW STREAMS") == "s|embedded|1\nupper_names|embedded|1\nmissing_copy|embedded|1\nmissing|file|1\n")
        #expect(try await server.sql("SHOW TABLES") == "counts|materialized|2\n")
        #expect(try await Self.eventually { try await server.sql("SELECT name, n FROM counts") == "a|2\nb|1\n" })
        let shown = try await server.sql("SHOW QUERIES").split(separator: "\n").map { $0.split(separator: "|", omittingEmptySubsequences: false) }
        // The terminated and the failed query stay listed, with their plans, and do not run; the failed one keeps its error.
        #expect(shown.map { $0.prefix(2).joined(separator: "|") } == ["q1|RUNNING", "q2|RUNNING", "q3|TERMINATED", "q4|FAILED"])
        #expect(shown.last?[7].contains("nowhere/in.csv") == true, "\(shown)")
        #expect(try await server.sql("EXPLAIN q3").contains("Scan: s"))
        #expect(try await server.sql("EXPLAIN q4").contains("Scan: missing"))
        _ = try await server.sql("INSERT INTO s VALUES ('b')")
        #expect(try await Self.eventually { try await server.sql("SELECT name, n FROM counts") == "a|2\nb|2\n" })
        #expect(try await server.sql("CREATE STREAM t (x INT); INSERT INTO t SELECT 1 FROM s") == "CREATE STREAM\nq5\n")
        // Dropping its relation removes the failed query.
        #expect(try await server.sql("DROP STREAM missing_copy") == "DROP STREAM\n")
        #expect(!(try await server.sql("SHOW QUERIES").contains("q4|")))
    }

    @Test func restartResumesAQueryFromItsCheckpointWithoutWritingRowsTwice() async throws {
        let directory = try ServeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("out")
        let database = directory.appendingPathComponent("counts.db").path
        do {
            let server = try await ServeProcess.start(dataDirectory: directory)
            _ = try await server.sql("""
                CREATE STREAM s (id INT, name VARCHAR);
                INSERT INTO s VALUES (1, 'a'), (2, 'b'), (3, 'a');
                CREATE TABLE out (id INT, name VARCHAR) WITH ('connector' = 'filesystem', 'path' = '\(output.path)', 'format' = 'csv');
                CREATE TABLE counts (name VARCHAR, n BIGINT, PRIMARY KEY (name) NOT ENFORCED)
                  WITH ('connector' = 'sqlite', 'path' = '\(database)')
                """)
            #expect(try await server.sql("INSERT INTO out SELECT id, name FROM s; INSERT INTO counts SELECT name, COUNT(*) FROM s GROUP BY name") == "q1\nq2\n")
            #expect(try await Self.eventually { try Self.lines(in: output) == ["1,a", "2,b", "3,a"] })
            #expect(try await Self.eventually { try Self.sqlite(database, "SELECT name, n FROM counts ORDER BY name") == "a|2\nb|1\n" })
            #expect(await server.stop() == 0)
        }
        let server = try await ServeProcess.start(dataDirectory: directory)
        defer { server.kill() }
        _ = try await server.sql("INSERT INTO s VALUES (4, 'b')")
        #expect(try await Self.eventually { try Self.lines(in: output) == ["1,a", "2,b", "3,a", "4,b"] })
        #expect(try await Self.eventually { try Self.sqlite(database, "SELECT name, n FROM counts ORDER BY name") == "a|2\nb|2\n" })
        // Once the file query has counted every row in and out, nothing more is coming: the file
        // holds each row once.
        #expect(try await Self.eventually { try await server.sql("SHOW QUERIES").contains("q1|RUNNING|4|4|") })
        #expect(try Self.lines(in: output) == ["1,a", "2,b", "3,a", "4,b"])
    }

    @Test func badRecordsAreSkippedCountedAndKept() async throws {
        try await ServeProcess.with { server, directory in
            let input = directory.appendingPathComponent("in.csv")
            try "1,a\nnot-a-number,b\n3,c\n".write(to: input, atomically: true, encoding: .utf8)
            _ = try await server.sql("""
                CREATE STREAM raw (id INT, name VARCHAR) WITH ('connector' = 'file', 'path' = '\(input.path)', 'format' = 'csv');
                CREATE STREAM clean (id INT, name VARCHAR)
                """)
            #expect(try await server.sql("INSERT INTO clean SELECT id, name FROM raw") == "q1\n")
            #expect(try await Self.eventually { try await server.sql("SHOW QUERIES").hasPrefix("q1|FINISHED|") })
            let queries = try await server.sql("SHOW QUERIES")
            #expect(queries.hasPrefix("q1|FINISHED|2|2|0|1|0||"), "\(queries)")
            #expect(try await server.sql("SELECT id, name FROM clean") == "1|a\n3|c\n")
            let kept = directory.appendingPathComponent("queries/server-q1/bad-records.jsonl")
            let text = try String(contentsOf: kept, encoding: .utf8)
            #expect(text.split(separator: "\n").count == 1)
            #expect(text.contains("not-a-number"), "\(text)")
            #expect(text.contains("\"source\":\"raw\""), "\(text)")
        }
    }

    @Test func metricsAndHealthAnswerOverHTTP() async throws {
        try await ServeProcess.with { server, directory in
            _ = try await server.sql("CREATE STREAM s (id INT); CREATE STREAM t (id INT); INSERT INTO s VALUES (1), (2), (3)")
            _ = try await server.sql("INSERT INTO t SELECT id FROM s WHERE id > 1")
            #expect(try await Self.eventually {
                try RawSocket.httpGet(port: server.httpPort, path: "/metrics").body.contains("rivulet_query_rows_out_total{query=\"q1\"} 2\n")
            })
            let metrics = try RawSocket.httpGet(port: server.httpPort, path: "/metrics")
            #expect(metrics.status == 200)
            #expect(metrics.body.contains("# TYPE rivulet_query_rows_in_total counter\nrivulet_query_rows_in_total{query=\"q1\"} 3\n"))
            #expect(metrics.body.contains("rivulet_query_late_rows_total{query=\"q1\"} 0\n"))
            #expect(metrics.body.contains("rivulet_query_running{query=\"q1\"} 1\n"))
            #expect(metrics.body.contains("rivulet_queries{state=\"RUNNING\"} 1\n"))
            #expect(try RawSocket.httpGet(port: server.httpPort, path: "/healthz") == (200, "ok\n"))
            #expect(try RawSocket.httpGet(port: server.httpPort, path: "/nope").status == 404)
        }
    }

    @Test func fiftyClientsAtOnce() async throws {
        try await ServeProcess.with { server, directory in
            _ = try await server.sql("CREATE STREAM s (id INT)")
            let results = try await withThrowingTaskGroup(of: Psql.Result.self) { group in
                for id in 1...50 {
                    group.addTask { try await server.psql(["-c", "INSERT INTO s VALUES (\(id)); SELECT COUNT(*) AS n FROM s WHERE id = \(id)"]) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.allSatisfy { $0.status == 0 && $0.stdout == "INSERT 0 1\n1\n" }, "\(results.filter { $0.status != 0 }.first?.stderr ?? "")")
            #expect(try await server.sql("SELECT COUNT(*) AS n, SUM(id) AS total FROM s") == "50|1275\n")
        }
    }

    @Test func garbageFromOneClientDoesNotDisturbAnother() async throws {
        try await ServeProcess.with { server, directory in
            _ = try await server.sql("CREATE STREAM s (id INT)")
            let push = try await server.startPsql(["-c", "SELECT id FROM s EMIT CHANGES LIMIT 2"])
            let garbage = try RawSocket(port: server.pgPort)
            garbage.send(Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
            let reply = String(decoding: garbage.receiveAll(), as: UTF8.self)
            garbage.close()
            #expect(reply.contains("08P01"))
            let afterStartup = try RawSocket(port: server.pgPort)
            afterStartup.send(RawSocket.startupMessage(user: "u") + [UInt8(ascii: "?"), 0, 0, 0, 4, 1, 2, 3])
            #expect(String(decoding: afterStartup.receiveAll(), as: UTF8.self).contains("08P01"))
            afterStartup.close()
            _ = try await server.sql("INSERT INTO s VALUES (7), (8)")
            let result = try await push.value
            #expect(result.stdout == "7\n8\n", "\(result.stderr)")
        }
    }

    @Test func interruptCancelsARunningPushQuery() async throws {
        try await ServeProcess.with { server, directory in
            _ = try await server.sql("CREATE STREAM s (id INT); INSERT INTO s VALUES (1)")
            let port = server.pgPort
            let query = "SELECT id FROM s EMIT CHANGES"
            let result = try await Psql.run(port: port, ["-e", "-c", query], whenStarted: { process, stdout in
                Task { try await Psql.interrupt(process, once: stdout, echoes: query) }
            })
            #expect(result.status == 1)
            #expect(result.stderr.contains("canceling statement due to user request"), "\(result.stderr)")
            #expect(try await server.sql("SELECT id FROM s") == "1\n")
        }
    }

    @Test func bootFilesRunAtEveryStartAndUsersNeedTheirPassword() async throws {
        let directory = try ServeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let boot = directory.appendingPathComponent("boot.sql")
        try """
            CREATE STREAM s (name VARCHAR);
            INSERT INTO s VALUES ('x'), ('y'), ('x');
            CREATE TABLE counts AS SELECT name, COUNT(*) AS n FROM s GROUP BY name;
            """.write(to: boot, atomically: true, encoding: .utf8)
        let users = directory.appendingPathComponent("users")
        try "# who may connect\n".write(to: users, atomically: true, encoding: .utf8)
        try await ServeProcess.addUser("alice", password: "first", file: users)
        try await ServeProcess.addUser("bob", password: "b0b", role: "reader", file: users)
        // Adding a user again replaces the line: the new password, not the old, logs in.
        try await ServeProcess.addUser("alice", password: "s3cret", file: users)
        let lines = try String(contentsOf: users, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3 && lines[0] == "# who may connect", "\(lines)")
        #expect(lines[1].hasPrefix("alice:admin:SCRAM-SHA-256$4096:") && lines[2].hasPrefix("bob:reader:SCRAM-SHA-256$4096:"))
        #expect(!lines.contains { $0.contains("s3cret") })
        for _ in 0..<2 {
            let server = try await ServeProcess.start(dataDirectory: directory, arguments: [boot.path, "--users", users.path])
            let good = try await Self.eventually {
                try await server.psql(["-c", "SELECT name, n FROM counts"], user: "alice", password: "s3cret").stdout == "x|2\ny|1\n"
            }
            #expect(good, "\(server.stderr)")
            let bad = try await server.psql(["-c", "SELECT 1"], user: "alice", password: "wrong")
            #expect(bad.status == 2)
            #expect(bad.stderr.contains("password authentication failed"), "\(bad.stderr)")
            #expect(await server.stop() == 0)
        }
        let broken = directory.appendingPathComponent("broken.sql")
        try "CREATE STREAM s (a INT);\nSELECT a FORM s;\n".write(to: broken, atomically: true, encoding: .utf8)
        await #expect(throws: ServeProcess.StartFailure.self) { try await ServeProcess.start(dataDirectory: directory, arguments: [broken.path]) }
    }

    @Test func plainPasswordFilesAndOpenAddressesAreRefused() async throws {
        let directory = try ServeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let users = directory.appendingPathComponent("users")
        try "alice:s3cret\n".write(to: users, atomically: true, encoding: .utf8)
        await #expect(throws: ServeProcess.StartFailure.self) {
            try await ServeProcess.start(dataDirectory: directory, arguments: ["--users", users.path])
        }
        let added = try await ServeProcess.addUser("bob", password: "pw", file: users)
        #expect(added.status != 0 && added.stderr.contains("rivulet user add"), "\(added.stderr)")

        do {
            try await ServeProcess.start(dataDirectory: directory, arguments: ["--listen", "0.0.0.0"])
            Issue.record("a server on 0.0.0.0 without users started")
        } catch let failure as ServeProcess.StartFailure {
            #expect(failure.description.contains("--users") && failure.description.contains("--allow-unauthenticated"), "\(failure)")
        }
        let open = try await ServeProcess.start(
            dataDirectory: directory, arguments: ["--listen", "0.0.0.0", "--allow-unauthenticated"])
        #expect(try await open.sql("SELECT 1") == "1\n")
        #expect(await open.stop() == 0)
    }

    // MARK: - Helpers

    static func eventually(_ body: () async throws -> Bool) async throws -> Bool {
        try await ServeProcess.eventually(15, body)
    }

    /// Every line of every part file in a file sink's folder, sorted.
    static func lines(in folder: URL) throws -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        var lines: [String] = []
        for name in names where !name.hasPrefix(".") {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            lines += text.split(separator: "\n").map(String.init)
        }
        return lines.sorted()
    }

    /// Runs a query with the sqlite3 command-line tool.
    static func sqlite(_ database: String, _ sql: String) throws -> String {
        guard FileManager.default.fileExists(atPath: database) else { return "" }
        return try toolOutput("/usr/bin/sqlite3", [database, sql])
    }
}
