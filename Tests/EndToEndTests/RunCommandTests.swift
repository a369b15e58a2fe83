import Foundation
import Testing

/// `rivulet run` as a user meets it: errors with line, column and caret, exit statuses, summaries.
@Suite struct RunCommandTests {
    func script(_ text: String) throws -> (URL, URL) {
        let folder = try RivuletProcess.temporaryDirectory()
        let file = folder.appendingPathComponent("job.sql")
        try text.write(to: file, atomically: true, encoding: .utf8)
        return (folder, file)
    }

    @Test func versionPrintsTheReleaseAndExitsZero() async throws {
        try await offPool {
            let outcome = try RivuletProcess.run(["--version"])
            #expect(outcome.status == 0)
            #expect(outcome.stdout.wholeMatch(of: /\d+\.\d+\.\d+\n/) != nil, "\(outcome.stdout)")
        }
    }

    @Test func aSyntaxErrorNamesLineAndColumnWithACaretAndExitsNonZero() async throws {
        try await offPool {
            let (folder, file) = try script("""
                CREATE STREAM bids (price BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND);
                -- the window size is missing its closing parenthesis
                SELECT COUNT(*) FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' SECOND GROUP BY 1;
                """)
            defer { try? FileManager.default.removeItem(at: folder) }
            let outcome = try RivuletProcess.run(["run", file.path])
            #expect(outcome.status == 1)
            #expect(outcome.stderr.contains("ERROR 42601"), "\(outcome.stderr)")
            #expect(outcome.stderr.contains("line 3, column 84"), "\(outcome.stderr)")
            let lines = outcome.stderr.components(separatedBy: "\n")
            let caret = try #require(lines.firstIndex { $0.trimmingCharacters(in: .whitespaces).hasPrefix("^") })
            #expect(lines[caret].firstIndex(of: "^").map { lines[caret].distance(from: lines[caret].startIndex, to: $0) } == 83)
            #expect(lines[caret - 1].hasPrefix("SELECT COUNT(*) FROM TABLE(TUMBLE"))
        }
    }

    @Test func anUnknownColumnIsReportedWithAHint() async throws {
        try await offPool {
            let (folder, file) = try script("""
                CREATE STREAM bids (price BIGINT, ts TIMESTAMP(3));
                SELECT prise FROM bids;
                """)
            defer { try? FileManager.default.removeItem(at: folder) }
            let outcome = try RivuletProcess.run(["run", file.path])
            #expect(outcome.status == 1)
            #expect(outcome.stderr.contains("ERROR 42703: unknown column 'prise'"), "\(outcome.stderr)")
            #expect(outcome.stderr.contains("line 2, column 8"), "\(outcome.stderr)")
            #expect(outcome.stderr.contains("did you mean 'price'?"), "\(outcome.stderr)")
        }
    }

    @Test func checkPlansWithoutRunning() async throws {
        try await offPool {
            let (folder, file) = try script("""
                CREATE TABLE out_rows (n BIGINT) WITH ('connector' = 'filesystem', 'path' = 'out', 'format' = 'csv');
                CREATE STREAM s (n BIGINT);
                INSERT INTO s VALUES (1), (2);
                INSERT INTO out_rows SELECT n * 10 FROM s;
                """)
            defer { try? FileManager.default.removeItem(at: folder) }
            let checked = try RivuletProcess.run(["run", "--check", file.path])
            #expect(checked.status == 0, "\(checked.stderr)")
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out").path))
            let ran = try RivuletProcess.run(["run", file.path])
            #expect(ran.status == 0, "\(ran.stderr)")
            #expect(ran.stderr.contains("rows in 2, rows out 2"), "\(ran.stderr)")
            let rows = try ResultComparison.rows(at: folder.appendingPathComponent("out"))
            #expect(rows.map { $0[0] }.sorted() == ["10", "20"])
        }
    }

    @Test func badRecordsAreSkippedCountedAndTheRestIsKept() async throws {
        try await offPool {
            let (folder, file) = try script("""
                CREATE TABLE readings (sensor VARCHAR, value DOUBLE, ts TIMESTAMP(3))
                  WITH ('connector' = 'filesystem', 'path' = 'readings.csv', 'format' = 'csv');
                SELECT sensor, value FROM readings;
                """)
            defer { try? FileManager.default.removeItem(at: folder) }
            try "a,1.5,2024-01-01 00:00:00\nb,not-a-number,2024-01-01 00:00:01\nc,3.0,2024-01-01 00:00:02\n"
                .write(to: folder.appendingPathComponent("readings.csv"), atomically: true, encoding: .utf8)
            let outcome = try RivuletProcess.run(["run", file.path, "--data-dir", folder.appendingPathComponent("data").path])
            #expect(outcome.status == 0, "\(outcome.stderr)")
            #expect(outcome.stdout.contains("(2 rows)"), "\(outcome.stdout)")
            #expect(outcome.stderr.contains("bad records 1"), "\(outcome.stderr)")
            #expect(outcome.stderr.contains("readings.csv:2"), "\(outcome.stderr)")
            let log = try String(contentsOf: folder.appendingPathComponent("data/bad-records.jsonl"), encoding: .utf8)
            #expect(log.contains("not-a-number"))
            #expect(log.contains("readings.csv:2"))
        }
    }

    @Test func aMissingFileIsAClearError() async throws {
        try await offPool {
            let outcome = try RivuletProcess.run(["run", "/nonexistent/job.sql"])
            #expect(outcome.status != 0)
            #expect(outcome.stderr.contains("cannot read /nonexistent/job.sql"))
        }
    }
}
