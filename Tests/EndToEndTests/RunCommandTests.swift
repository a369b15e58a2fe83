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

    @Test func anUndefinedVariableIsAnErrorNamingItAlsoUnderCheck() async throws {
        try await offPool {
            let (folder, file) = try script("""
                -- ${RIVULET_TEST_COMMENTED} in a comment is left alone
                CREATE TABLE readings (sensor VARCHAR) WITH ('connector' = 'filesystem', 'path' = '${RIVULET_TEST_DIR}/r.csv', 'format' = 'csv');
                SELECT sensor FROM readings;
                """)
            defer { try? FileManager.default.removeItem(at: folder) }
            for arguments in [["run", "--check", file.path], ["run", file.path]] {
                let outcome = try RivuletProcess.run(arguments)
                #expect(outcome.status == 1)
                #expect(outcome.stderr.contains("ERROR 42704: undefined variable '${RIVULET_TEST_DIR}' (\(file.path): line 2, column 84)"), "\(outcome.stderr)")
                #expect(outcome.stderr.contains("-D RIVULET_TEST_DIR=VALUE"), "\(outcome.stderr)")
            }
            try "A\n".write(to: folder.appendingPathComponent("r.csv"), atomically: true, encoding: .utf8)
            let defined = try RivuletProcess.run(["run", "-D", "RIVULET_TEST_DIR=\(folder.path)", file.path])
            #expect(defined.status == 0, "\(defined.stderr)")
            #expect(defined.stderr.contains("rows in 1"), "\(defined.stderr)")
        }
    }

    @Test func aSelectOverAnEndlessSourcePrintsRowsAsTheyArriveUntilItsLimit() async throws {
        try await offPool {
            let (folder, file) = try script("""
                CREATE TABLE orders (id BIGINT, amount INT) WITH ('connector' = 'datagen', 'fields.amount.min' = '1', 'fields.amount.max' = '9');
                SELECT amount, amount * 10 AS tenfold FROM orders LIMIT 3;
                """)
            defer { try? FileManager.default.removeItem(at: folder) }
            let outcome = try RivuletProcess.run(["run", file.path], timeout: 60)
            #expect(outcome.status == 0, "\(outcome.stderr)")
            let lines = outcome.stdout.split(separator: "\n").map(String.init)
            #expect(lines.first == "amount | tenfold", "\(outcome.stdout)")
            #expect(lines.last == "(3 rows)", "\(outcome.stdout)")
            let rows = lines.dropFirst().dropLast().map { $0.components(separatedBy: " | ").compactMap { Int($0) } }
            #expect(rows.count == 3)
            for row in rows {
                #expect(row.count == 2 && (1...9).contains(row[0]) && row[1] == row[0] * 10, "\(row)")
            }
        }
    }

    /// A paced generator of 30 rows (3 s) copied into a CSV folder.
    static let pacedCopy = """
        CREATE TABLE ticks (n BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '30', 'rows-per-second' = '10');
        CREATE TABLE out_rows (n BIGINT) WITH ('connector' = 'filesystem', 'path' = 'out', 'format' = 'csv');
        INSERT INTO out_rows SELECT n FROM ticks;
        """

    @Test func withoutATerminalProgressIsALineEveryInterval() async throws {
        try await offPool {
            let (folder, file) = try script(Self.pacedCopy)
            defer { try? FileManager.default.removeItem(at: folder) }
            let outcome = try RivuletProcess.run(["run", "--progress-interval", "1 s", file.path], timeout: 120)
            #expect(outcome.status == 0, "\(outcome.stderr)")
            let counts = outcome.stderr.split(separator: "\n").compactMap { line -> (Int, Int)? in
                guard let match = line.wholeMatch(of: /q1: (\d+) rows in, (\d+) rows out, \d+ rows\/s(, watermark .*)?/) else { return nil }
                return (Int(match.1)!, Int(match.2)!)
            }
            // Lines come at 1, 2 (and perhaps 3) seconds of a 3-second run, counting rows as they go.
            #expect(counts.count >= 1, "\(outcome.stderr)")
            #expect(counts.map(\.0) == counts.map(\.0).sorted(), "\(outcome.stderr)")
            #expect(counts.allSatisfy { $0.0 > 0 && $0.0 <= 30 && $0.1 <= $0.0 }, "\(outcome.stderr)")
            #expect(!outcome.stderr.contains("\r"))
            #expect(outcome.stderr.contains("rows in 30, rows out 30"), "\(outcome.stderr)")
        }
    }

    @Test func onATerminalProgressIsOneLiveLine() async throws {
        try await offPool {
            let (folder, file) = try script(Self.pacedCopy)
            defer { try? FileManager.default.removeItem(at: folder) }
            // script(1) runs the command on a pseudo-terminal, as a user's shell would.
            let command = [RivuletProcess.executable.path, "run", file.path].map { "'\($0)'" }.joined(separator: " ")
            let outcome = try RivuletProcess.run(
                ["-q", "-e", "-c", command, "/dev/null"], timeout: 120, executable: URL(fileURLWithPath: "/usr/bin/script"))
            #expect(outcome.status == 0, "\(outcome.stdout)")
            // The line is rewritten in place (carriage return, then erase to the end of the line) and cleared before the summary.
            let updates = outcome.stdout.components(separatedBy: "\r").filter { $0.hasPrefix("q1: ") && $0.hasSuffix("\u{1B}[K") }
            #expect(!updates.isEmpty, "\(outcome.stdout.debugDescription)")
            #expect(updates.allSatisfy { $0.contains(" rows in, ") && $0.contains(" rows/s") }, "\(updates)")
            #expect(outcome.stdout.contains("rows in 30, rows out 30"), "\(outcome.stdout)")
        }
    }

    @Test func theSummaryAfterAResumeCountsWhatThisRunRead() async throws {
        try await offPool {
            let (folder, file) = try script("""
                CREATE TABLE ticks (n BIGINT) WITH (
                  'connector' = 'datagen', 'rows-per-second' = '10', 'fields.n.kind' = 'sequence', 'fields.n.start' = '1', 'fields.n.end' = '30');
                CREATE TABLE out_rows (n BIGINT) WITH ('connector' = 'filesystem', 'path' = 'out', 'format' = 'csv');
                INSERT INTO out_rows SELECT n FROM ticks;
                """)
            defer { try? FileManager.default.removeItem(at: folder) }
            let data = folder.appendingPathComponent("data")
            // The first run is killed once it has taken a checkpoint, part-way through its 3 seconds.
            let first = Process()
            first.executableURL = RivuletProcess.executable
            first.arguments = ["run", "--data-dir", data.path, "--checkpoint-interval", "500 ms", file.path]
            first.standardOutput = FileHandle.nullDevice
            first.standardError = FileHandle.nullDevice
            try first.run()
            let queries = data.appendingPathComponent("queries")
            func checkpointed() -> Bool {
                let folders = (try? FileManager.default.contentsOfDirectory(atPath: queries.path)) ?? []
                return folders.contains { name in
                    let files = (try? FileManager.default.contentsOfDirectory(atPath: queries.appendingPathComponent(name).path)) ?? []
                    // checkpoint-<n>, not the checkpoint-<n>.tmp it is written as before it counts.
                    return files.contains { $0.hasPrefix("checkpoint-") && Int($0.dropFirst("checkpoint-".count)) != nil }
                }
            }
            let deadline = Date().addingTimeInterval(60)
            while !checkpointed(), first.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
            #expect(first.isRunning, "the run ended before it could be interrupted")
            kill(first.processIdentifier, SIGKILL)
            first.waitUntilExit()

            let second = try RivuletProcess.run(["run", "--data-dir", data.path, file.path], timeout: 120)
            #expect(second.status == 0, "\(second.stderr)")
            #expect(second.stderr.contains("q1: resumed from checkpoint"), "\(second.stderr)")
            let counted = try #require(second.stderr.firstMatch(of: /rows in (\d+), rows out (\d+)/), "\(second.stderr)")
            // Only the rows after the checkpoint: the ones read before it are not counted again.
            #expect((1..<30).contains(Int(counted.1)!), "\(second.stderr)")
            #expect(counted.1 == counted.2)
            // The filesystem sink is at least once: every row is there, whatever the kill cut short.
            let written = Set(try ResultComparison.rows(at: folder.appendingPathComponent("out")).map { $0[0] })
            #expect(written == Set((1...30).map(String.init)), "\(written.sorted { Int($0)! < Int($1)! })")
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
