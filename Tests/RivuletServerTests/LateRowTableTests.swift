import Foundation
import Testing

/// Late rows are never lost silently: each row a query drops as late is a row of
/// `rivulet_late_rows` (with the watermark and the window it missed) and, with
/// `SET 'late-rows.sink'`, of a table the user chose.
@Suite(.timeLimit(.minutes(3)))
struct LateRowTableTests {
    /// Five readings, watermark 1 s behind; the one at 12:00:03 arrives under 12:00:11, after
    /// its window [12:00:00, 12:00:05) fired.
    static let readings = """
        1,10,2024-01-01 12:00:01
        2,20,2024-01-01 12:00:07
        3,30,2024-01-01 12:00:12
        4,40,2024-01-01 12:00:03
        5,50,2024-01-01 12:00:25

        """

    static let definitions = """
        CREATE STREAM readings (id INT, v INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
          WITH ('connector' = 'filesystem', 'path' = 'readings.csv', 'format' = 'csv');
        CREATE TABLE totals (window_start TIMESTAMP(3), window_end TIMESTAMP(3), total BIGINT,
          PRIMARY KEY (window_start) NOT ENFORCED) WITH ('connector' = 'sqlite', 'path' = 'totals.db')
        """

    static let query = """
        INSERT INTO totals SELECT window_start, window_end, SUM(v)
        FROM TABLE(TUMBLE(TABLE readings, DESCRIPTOR(ts), INTERVAL '5' SECOND)) GROUP BY window_start, window_end
        """

    @Test func aLateRowIsARowOfTheTableAndOfTheSinkTheUserNamed() async throws {
        try await ServeProcess.with { server, directory in
            try Self.readings.write(to: directory.appendingPathComponent("readings.csv"), atomically: true, encoding: .utf8)
            _ = try await server.sql(Self.definitions + """
                ;
                CREATE STREAM late_readings (query_id VARCHAR, row_json VARCHAR, event_time TIMESTAMP(3), window_end TIMESTAMP(3))
                """)
            #expect(try await server.sql("SET 'late-rows.sink' = 'late_readings'; \(Self.query)") == "SET\nq1\n")
            #expect(try await ServeProcess.eventually { try await server.sql("SHOW QUERIES").hasPrefix("q1|FINISHED|") })
            #expect(try await server.sql("SELECT COUNT(*) FROM totals") == "4\n", "the late row is in no total")

            let late = try await server.sql("""
                SELECT query_id, source, operator_name, row_json, event_time, watermark, window_start, window_end
                FROM rivulet_late_rows
                """)
            #expect(late == """
                q1|readings|TumblingWindowAggregate|{"v":40,"ts":"2024-01-01 12:00:03.000"}|2024-01-01 12:00:03.000|2024-01-01 12:00:11.000|2024-01-01 12:00:00.000|2024-01-01 12:00:05.000

                """, "\(late)")
            #expect(try await server.sql("SELECT COUNT(*) FROM rivulet_late_rows WHERE dropped_at IS NOT NULL") == "1\n")
            let routed = try await server.sql("SELECT * FROM late_readings")
            #expect(routed == """
                q1|{"v":40,"ts":"2024-01-01 12:00:03.000"}|2024-01-01 12:00:03.000|2024-01-01 12:00:05.000

                """, "\(routed)")
        }
    }

    @Test func aLateRowSinkMustExistAndHoldLateRowColumns() async throws {
        try await ServeProcess.with { server, directory in
            try Self.readings.write(to: directory.appendingPathComponent("readings.csv"), atomically: true, encoding: .utf8)
            _ = try await server.sql(Self.definitions + ";\nCREATE STREAM odd (query_id VARCHAR, price BIGINT)")
            let missing = try await server.psql(["-c", "SET 'late-rows.sink' = 'nowhere'", "-c", Self.query])
            #expect(missing.status != 0)
            #expect(missing.stderr.contains("'late-rows.sink' names 'nowhere', which does not exist"), "\(missing.stderr)")
            let odd = try await server.psql(["-c", "SET 'late-rows.sink' = 'odd'", "-c", Self.query])
            #expect(odd.status != 0)
            #expect(odd.stderr.contains("column price is not a column of rivulet_late_rows"), "\(odd.stderr)")
            #expect(try await server.sql("SHOW QUERIES") == "", "no query started")
            let readOnly = try await server.psql(["-c", "INSERT INTO rivulet_late_rows SELECT * FROM rivulet_late_rows"])
            #expect(readOnly.stderr.contains("read-only"), "\(readOnly.stderr)")
        }
    }

    /// A server killed once its query's first checkpoint is on disk but before the sink
    /// committed it reads its input again after the restart: the late row is logged once.
    @Test func aResumedQueryLogsEachLateRowOnce() async throws {
        let directory = try ServeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.readings.write(to: directory.appendingPathComponent("readings.csv"), atomically: true, encoding: .utf8)
        let crashing = try await ServeProcess.start(
            dataDirectory: directory, environment: ["RIVULET_CRASH_AT": "after-checkpoint-write:1"])
        _ = try await crashing.sql(Self.definitions)
        #expect(try await crashing.sql(Self.query) == "q1\n")
        #expect(try await ServeProcess.eventually { !crashing.process.isRunning })
        await crashing.stop()
        #expect(crashing.process.terminationReason == .uncaughtSignal, "the crash point was never reached: \(crashing.stderr)")

        let server = try await ServeProcess.start(dataDirectory: directory)
        defer { server.kill() }
        #expect(try await ServeProcess.eventually { try await server.sql("SHOW QUERIES").hasPrefix("q1|FINISHED|") })
        #expect(try await server.sql("SELECT query_id, event_time FROM rivulet_late_rows") == "q1|2024-01-01 12:00:03.000\n")
        #expect(try await server.sql("SELECT COUNT(*) FROM totals") == "4\n")
        await server.stop()
    }
}
