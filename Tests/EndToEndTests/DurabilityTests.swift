import CSQLite
import Foundation
import TestBrokers
import Testing

/// `rivulet run` killed with SIGKILL at many moments and restarted with the same data directory
/// must end with exactly the sink contents of an uninterrupted run: no duplicate, no gap, no
/// half-applied window.
@Suite(.serialized) struct DurabilityTests {
    static let rowCount = 120_000
    /// Small batches and frequent checkpoints, so a run lasts long enough to be killed in the middle.
    static let runOptions = ["--batch-size", "400", "--checkpoint-interval", "20 ms"]

    /// A windowed aggregation (final rows per account and 10-second window) and a changelog
    /// aggregation (a running total per account, updated by every row).
    enum Query: CaseIterable {
        case windowed, changelog

        var table: String { self == .windowed ? "totals" : "balances" }
        var order: String { self == .windowed ? "account, window_start" : "account" }

        func script(sink: String) -> String {
            let source = """
                CREATE TABLE events (id BIGINT, account VARCHAR, amount DECIMAL(10, 2), ts TIMESTAMP(3),
                  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND
                ) WITH ('connector' = 'filesystem', 'path' = 'events.csv', 'format' = 'csv');

                """
            switch self {
            case .windowed:
                return source + """
                    CREATE TABLE totals (account VARCHAR, window_start TIMESTAMP(3), window_end TIMESTAMP(3),
                      n BIGINT, total DECIMAL(18, 2), biggest DECIMAL(10, 2),
                      PRIMARY KEY (account, window_start) NOT ENFORCED
                    ) WITH (\(sink), 'table' = 'totals');
                    INSERT INTO totals
                    SELECT account, window_start, window_end, COUNT(*), SUM(amount), MAX(amount)
                    FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '10' SECOND))
                    GROUP BY account, window_start, window_end;
                    """
            case .changelog:
                return source + """
                    CREATE TABLE balances (account VARCHAR, n BIGINT, total DECIMAL(18, 2), smallest DECIMAL(10, 2),
                      last_id BIGINT, PRIMARY KEY (account) NOT ENFORCED
                    ) WITH (\(sink), 'table' = 'balances');
                    INSERT INTO balances
                    SELECT account, COUNT(*), SUM(amount), MIN(amount), MAX(id) FROM events GROUP BY account;
                    """
            }
        }
    }

    @Test(arguments: Query.allCases)
    func sqliteSinkAfterKillsEqualsAnUninterruptedRun(query: Query) async throws {
        try await offPool {
            let folder = try Self.workspace()
            defer { try? FileManager.default.removeItem(at: folder) }
            let reference = try Self.reference(query, in: folder)

            let script = folder.appendingPathComponent("crash.sql")
            try query.script(sink: "'connector' = 'sqlite', 'path' = 'crash.db'").write(to: script, atomically: true, encoding: .utf8)
            let data = folder.appendingPathComponent("data")
            // Moments: right after the run opened its checkpoint folder, then once the run has passed ever later checkpoints.
            var killedMidRun = 0
            for target in [0, 2, 5, 9, 14, 20] {
                let run = try Self.start(script, data: data)
                if target == 0 {
                    Self.waitUntil(while: run) { !Self.queryFolders(in: data).isEmpty }
                } else {
                    try Self.waitForCheckpoint(above: target, in: data, while: run)
                }
                if run.isRunning { killedMidRun += 1 }
                run.kill()
            }
            #expect(killedMidRun >= 5, "the input ran out before the kills: make the run slower")
            let final = try Self.finish(script, data: data)
            #expect(final.contains("resumed from checkpoint"))
            let recovered = try Self.sqliteRows(folder.appendingPathComponent("crash.db").path, query)
            #expect(recovered.count == reference.count)
            #expect(recovered == reference)
        }
    }

    /// An interval join (each event paired with the same account's events of the second before
    /// it) into SQLite, killed mid-run and at moments inside checkpoints: the join's buffered
    /// rows of both sides and both sources' positions come back from the checkpoint.
    @Test func intervalJoinIntoSQLiteAfterKillsEqualsAnUninterruptedRun() async throws {
        try await offPool {
            let folder = try Self.workspace()
            defer { try? FileManager.default.removeItem(at: folder) }
            func script(_ database: String) -> String {
                """
                CREATE TABLE events (id BIGINT, account VARCHAR, amount DECIMAL(10, 2), ts TIMESTAMP(3),
                  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND
                ) WITH ('connector' = 'filesystem', 'path' = 'events.csv', 'format' = 'csv');
                CREATE TABLE pairs (id BIGINT, earlier_id BIGINT, account VARCHAR, amount DECIMAL(10, 2),
                  earlier_amount DECIMAL(10, 2), PRIMARY KEY (id, earlier_id) NOT ENFORCED
                ) WITH ('connector' = 'sqlite', 'path' = '\(database)', 'table' = 'pairs');
                INSERT INTO pairs
                SELECT a.id, b.id, a.account, a.amount, b.amount
                FROM events a JOIN events b
                  ON a.account = b.account AND b.ts BETWEEN a.ts - INTERVAL '1' SECOND AND a.ts AND a.id <> b.id;
                """
            }
            let referenceScript = folder.appendingPathComponent("reference.sql")
            try script("reference.db").write(to: referenceScript, atomically: true, encoding: .utf8)
            let plain = try RivuletProcess.run(["run", referenceScript.path] + Self.runOptions)
            #expect(plain.status == 0, "\(plain.stderr)")
            #expect(!plain.stderr.contains("without checkpoints"), "\(plain.stderr)")
            let reference = try Self.sqliteRows(folder.appendingPathComponent("reference.db").path, table: "pairs", order: "id, earlier_id")
            #expect(reference.count > 10_000)

            let crashScript = folder.appendingPathComponent("crash.sql")
            try script("crash.db").write(to: crashScript, atomically: true, encoding: .utf8)
            let data = folder.appendingPathComponent("data")
            var killedMidRun = 0
            for target in [3, 9] {
                let run = try Self.start(crashScript, data: data)
                try Self.waitForCheckpoint(above: target, in: data, while: run)
                if run.isRunning { killedMidRun += 1 }
                run.kill()
            }
            #expect(killedMidRun == 2, "the input ran out before the kills: make the run slower")
            for (moment, checkpoint) in [("after-checkpoint-write", 14), ("after-sink-commit", 18)] {
                let run = try Self.start(crashScript, data: data, environment: ["RIVULET_CRASH_AT": "\(moment):\(checkpoint)"])
                run.process.waitUntilExit()
                #expect(run.process.terminationReason == .uncaughtSignal, "\(moment):\(checkpoint) was never reached")
            }
            let final = try Self.finish(crashScript, data: data)
            #expect(final.contains("resumed from checkpoint"))
            let recovered = try Self.sqliteRows(folder.appendingPathComponent("crash.db").path, table: "pairs", order: "id, earlier_id")
            #expect(recovered.count == reference.count)
            #expect(recovered == reference)
        }
    }

    /// Kills at the three moments inside a checkpoint: before its file is written, after the file
    /// is durable but before the sink commits, and after the sink committed.
    @Test func killsInsideACheckpointLoseAndRepeatNothing() async throws {
        try await offPool {
            let folder = try Self.workspace()
            defer { try? FileManager.default.removeItem(at: folder) }
            let query = Query.changelog
            let reference = try Self.reference(query, in: folder)
            let script = folder.appendingPathComponent("crash.sql")
            try query.script(sink: "'connector' = 'sqlite', 'path' = 'crash.db'").write(to: script, atomically: true, encoding: .utf8)
            let data = folder.appendingPathComponent("data")
            for (moment, checkpoint) in [("before-checkpoint-write", 3), ("after-checkpoint-write", 6), ("after-sink-commit", 9),
                                         ("after-checkpoint-write", 10)] {
                let run = try Self.start(script, data: data, environment: ["RIVULET_CRASH_AT": "\(moment):\(checkpoint)"])
                run.process.waitUntilExit()
                #expect(run.process.terminationReason == .uncaughtSignal, "\(moment):\(checkpoint) was never reached")
            }
            _ = try Self.finish(script, data: data)
            #expect(try Self.sqliteRows(folder.appendingPathComponent("crash.db").path, query) == reference)
        }
    }

    @Test(.enabled(if: PostgresServer.isAvailable, "needs the Debian postgresql package"), arguments: Query.allCases)
    func postgresSinkAfterKillsAndAnOutageEqualsAnUninterruptedRun(query: Query) async throws {
        try await offPool {
            let folder = try Self.workspace()
            defer { try? FileManager.default.removeItem(at: folder) }
            let server = try PostgresServer()
            let options = ["--batch-size", "400", "--checkpoint-interval", "50 ms"]

            let referenceScript = folder.appendingPathComponent("reference.sql")
            try query.script(sink: "'connector' = 'postgres', 'url' = '\(server.url)'")
                .replacingOccurrences(of: "'table' = '\(query.table)'", with: "'table' = 'reference_\(query.table)'")
                .write(to: referenceScript, atomically: true, encoding: .utf8)
            let plain = try RivuletProcess.run(["run", referenceScript.path] + options)
            #expect(plain.status == 0, "\(plain.stderr)")

            let script = folder.appendingPathComponent("crash.sql")
            try query.script(sink: "'connector' = 'jdbc', 'url' = 'jdbc:\(server.url)'").write(to: script, atomically: true, encoding: .utf8)
            let data = folder.appendingPathComponent("data")
            for target in [1, 6] {
                let run = try Self.start(script, data: data, options: options)
                try Self.waitForCheckpoint(above: target, in: data, while: run)
                #expect(run.isRunning)
                run.kill()
            }
            // Postgres goes away in the middle of a run and comes back: the run waits and catches up.
            let run = try Self.start(script, data: data, options: options)
            try Self.waitForCheckpoint(above: 10, in: data, while: run)
            #expect(run.isRunning)
            try server.stop(mode: "immediate")
            Self.waitUntil(while: run) { run.stderr.contains("retrying (") }
            #expect(run.stderr.contains("retrying ("), "the sink reports its outage: \(run.stderr)")
            #expect(run.isRunning, "the query must wait for the sink, not fail")
            try server.start()
            run.process.waitUntilExit()
            #expect(run.process.terminationStatus == 0, "\(run.stderr)")
            #expect(run.stderr.contains("is back"))

            let columns = query == .windowed
                ? "account, to_char(window_start, 'YYYY-MM-DD HH24:MI:SS.MS'), n, total, biggest" : "account, n, total, smallest, last_id"
            let expected = try server.rows("SELECT \(columns) FROM reference_\(query.table) ORDER BY \(query.order)")
            let recovered = try server.rows("SELECT \(columns) FROM \(query.table) ORDER BY \(query.order)")
            #expect(!expected.isEmpty)
            #expect(recovered.count == expected.count)
            #expect(recovered == expected)
        }
    }

    /// A filesystem sink is at least once: killed inside checkpoints, the restarted run may repeat
    /// rows written since the last checkpoint, but every row of an uninterrupted run is there.
    @Test func filesystemSinkKilledInsideCheckpointsLosesNoRow() async throws {
        try await offPool {
            let folder = try Self.workspace()
            defer { try? FileManager.default.removeItem(at: folder) }
            func script(_ directory: String) -> String {
                """
                CREATE TABLE events (id BIGINT, account VARCHAR, amount DECIMAL(10, 2), ts TIMESTAMP(3),
                  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND
                ) WITH ('connector' = 'filesystem', 'path' = 'events.csv', 'format' = 'csv');
                CREATE TABLE big (id BIGINT, account VARCHAR, amount DECIMAL(10, 2))
                  WITH ('connector' = 'filesystem', 'path' = '\(directory)', 'format' = 'csv');
                INSERT INTO big SELECT id, account, amount FROM events WHERE amount > 50;
                """
            }
            let referenceScript = folder.appendingPathComponent("reference.sql")
            try script("reference").write(to: referenceScript, atomically: true, encoding: .utf8)
            let plain = try RivuletProcess.run(["run", referenceScript.path] + Self.runOptions)
            #expect(plain.status == 0, "\(plain.stderr)")
            let reference = Set(try ResultComparison.rows(at: folder.appendingPathComponent("reference")).map { $0.joined(separator: ",") })
            #expect(reference.count > 1_000)

            let crashScript = folder.appendingPathComponent("crash.sql")
            try script("crash").write(to: crashScript, atomically: true, encoding: .utf8)
            let data = folder.appendingPathComponent("data")
            for (moment, checkpoint) in [("after-checkpoint-write", 4), ("before-checkpoint-write", 9), ("after-sink-commit", 14)] {
                let run = try Self.start(crashScript, data: data, environment: ["RIVULET_CRASH_AT": "\(moment):\(checkpoint)"])
                run.process.waitUntilExit()
                #expect(run.process.terminationReason == .uncaughtSignal, "\(moment):\(checkpoint) was never reached")
            }
            _ = try Self.finish(crashScript, data: data)
            let recovered = try ResultComparison.rows(at: folder.appendingPathComponent("crash")).map { $0.joined(separator: ",") }
            #expect(reference.subtracting(recovered).isEmpty, "rows lost: \(reference.subtracting(recovered).count)")
            #expect(Set(recovered) == reference)
        }
    }

    /// Records that fail to parse are logged once each, however often the run is killed.
    @Test func badRecordsAreLoggedOnceAcrossRestarts() async throws {
        try await offPool {
            let folder = try Self.workspace()
            defer { try? FileManager.default.removeItem(at: folder) }
            let events = folder.appendingPathComponent("events.csv")
            var lines = try String(contentsOf: events, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            var badLines: Set<Int> = []
            for line in stride(from: 500, to: lines.count - 1, by: 2_500) {
                lines[line] = "\(line),acct1,not-a-number,2024-05-01 08:00:00.000"
                badLines.insert(line + 1)
            }
            try lines.joined(separator: "\n").write(to: events, atomically: true, encoding: .utf8)
            let script = folder.appendingPathComponent("bad.sql")
            try Query.changelog.script(sink: "'connector' = 'sqlite', 'path' = 'bad.db'").write(to: script, atomically: true, encoding: .utf8)
            let data = folder.appendingPathComponent("data")
            for (moment, checkpoint) in [("after-checkpoint-write", 4), ("before-checkpoint-write", 9), ("after-sink-commit", 14)] {
                let run = try Self.start(script, data: data, environment: ["RIVULET_CRASH_AT": "\(moment):\(checkpoint)"])
                run.process.waitUntilExit()
                #expect(run.process.terminationReason == .uncaughtSignal, "\(moment):\(checkpoint) was never reached")
            }
            _ = try Self.finish(script, data: data)
            let log = try String(contentsOf: data.appendingPathComponent("bad-records.jsonl"), encoding: .utf8)
            let positions = log.split(separator: "\n").compactMap { line -> Int? in
                guard let range = line.range(of: "events.csv:") else { return nil }
                return Int(line[range.upperBound...].prefix { $0.isNumber })
            }
            #expect(positions.count == badLines.count, "each bad record once")
            #expect(Set(positions) == badLines)
        }
    }

    @Test(.enabled(if: PostgresServer.isAvailable, "needs the Debian postgresql package"))
    func postgresTableThatDoesNotMatchTheSinkIsAnErrorAtOpen() async throws {
        try await offPool {
            let folder = try Self.workspace()
            defer { try? FileManager.default.removeItem(at: folder) }
            let server = try PostgresServer()
            _ = try server.rows("CREATE TABLE balances (account text PRIMARY KEY, n bigint)")
            let script = folder.appendingPathComponent("mismatch.sql")
            try Query.changelog.script(sink: "'connector' = 'postgres', 'host' = '127.0.0.1', 'port' = '\(server.port)', 'user' = 'rivulet', 'database' = 'postgres'")
                .write(to: script, atomically: true, encoding: .utf8)
            let run = try RivuletProcess.run(["run", script.path])
            #expect(run.status != 0)
            #expect(run.stderr.contains("has columns (account, n), but sink 'balances' declares (account, n, total, smallest, last_id)"))
        }
    }

    // MARK: - Support

    /// A running `rivulet run`, its output kept in files.
    final class Run {
        let process: Process
        let errors: URL

        init(process: Process, errors: URL) {
            self.process = process
            self.errors = errors
        }

        var isRunning: Bool { process.isRunning }
        var stderr: String { (try? String(contentsOf: errors, encoding: .utf8)) ?? "" }

        func kill() {
            if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
    }

    static func workspace() throws -> URL {
        let folder = try RivuletProcess.temporaryDirectory()
        try writeEvents(to: folder.appendingPathComponent("events.csv"))
        return folder
    }

    /// Deterministic events: 300 accounts, times rising with up to half a second of disorder.
    static func writeEvents(to url: URL) throws {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: UInt64) -> Int64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int64((state >> 33) % bound)
        }
        var text = ""
        text.reserveCapacity(rowCount * 48)
        var time: Int64 = 1_714_550_400_000
        for id in 0..<rowCount {
            time += next(25)
            let ts = time - next(500)
            let seconds = ts / 1000
            let (h, m, s) = (seconds / 3600 % 24, seconds / 60 % 60, seconds % 60)
            let day = 1 + seconds / 86_400 - 19_844
            let amount = next(100_000)
            text += "\(id),acct\(next(300)),\(amount / 100).\(String(format: "%02d", amount % 100)),"
            text += String(format: "2024-05-%02lld %02lld:%02lld:%02lld.%03lld\n", day, h, m, s, ts % 1000)
        }
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    /// The sink's rows after an uninterrupted run into SQLite.
    static func reference(_ query: Query, in folder: URL) throws -> [[String]] {
        let script = folder.appendingPathComponent("reference.sql")
        try query.script(sink: "'connector' = 'sqlite', 'path' = 'reference.db'").write(to: script, atomically: true, encoding: .utf8)
        let run = try RivuletProcess.run(["run", script.path] + runOptions)
        #expect(run.status == 0, "\(run.stderr)")
        let rows = try sqliteRows(folder.appendingPathComponent("reference.db").path, query)
        #expect(rows.count > 100)
        return rows
    }

    static func start(_ script: URL, data: URL, options: [String] = runOptions, environment: [String: String] = [:]) throws -> Run {
        let process = Process()
        process.executableURL = RivuletProcess.executable
        process.arguments = ["run", script.path, "--data-dir", data.path] + options
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let errors = script.deletingLastPathComponent().appendingPathComponent("stderr-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: errors.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: errors)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        return Run(process: process, errors: errors)
    }

    /// Waits until the data directory holds a checkpoint with an id above `target` (or the run ended).
    static func waitForCheckpoint(above target: Int, in data: URL, while run: Run) throws {
        waitUntil(while: run) { latestCheckpoint(in: data) > target }
    }

    /// Polls `condition` until it holds, the run ends or a minute passes.
    static func waitUntil(while run: Run, _ condition: () -> Bool) {
        let deadline = Date().addingTimeInterval(60)
        while run.isRunning, Date() < deadline {
            if condition() { return }
            Thread.sleep(forTimeInterval: 0.005)
        }
    }

    /// The checkpoint folders of the queries a run over `data` opened.
    static func queryFolders(in data: URL) -> [URL] {
        let queries = data.appendingPathComponent("queries")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: queries.path)) ?? []
        return names.map { queries.appendingPathComponent($0) }
    }

    static func latestCheckpoint(in data: URL) -> Int {
        var latest = 0
        for folder in queryFolders(in: data) {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            for name in names where name.hasPrefix("checkpoint-") {
                latest = max(latest, Int(name.dropFirst("checkpoint-".count)) ?? 0)
            }
        }
        return latest
    }

    /// Runs the script to the end with the data directory; returns its notes.
    static func finish(_ script: URL, data: URL) throws -> String {
        let run = try RivuletProcess.run(["run", script.path, "--data-dir", data.path] + runOptions)
        #expect(run.status == 0, "\(run.stderr)")
        return run.stderr
    }

    static func sqliteRows(_ path: String, _ query: Query) throws -> [[String]] {
        try sqliteRows(path, table: query.table, order: query.order)
    }

    static func sqliteRows(_ path: String, table: String, order: String) throws -> [[String]] {
        var db: OpaquePointer?
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, nil) == SQLITE_OK else { throw CocoaError(.fileReadUnknown) }
        defer { sqlite3_close(db) }
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, "SELECT * FROM \(table) ORDER BY \(order)", -1, &statement, nil) == SQLITE_OK else {
            throw CocoaError(.fileReadCorruptFile)
        }
        defer { sqlite3_finalize(statement) }
        var rows: [[String]] = []
        while sqlite3_step(statement) == SQLITE_ROW {
            rows.append((0..<sqlite3_column_count(statement)).map { column in
                sqlite3_column_text(statement, column).map { String(cString: $0) } ?? "NULL"
            })
        }
        return rows
    }
}
