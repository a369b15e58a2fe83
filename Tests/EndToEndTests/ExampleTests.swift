import CSQLite
import Foundation
import Testing

/// Each script in `sql-examples/` does what its comment promises.
@Suite struct ExampleTests {
    /// A private copy of the examples, so their outputs land in a scratch folder.
    func examples() throws -> URL {
        let folder = try RivuletProcess.temporaryDirectory()
        let copy = folder.appendingPathComponent("sql-examples")
        try FileManager.default.copyItem(at: RivuletProcess.repositoryRoot.appendingPathComponent("sql-examples"), to: copy)
        try? FileManager.default.removeItem(at: copy.appendingPathComponent("out"))
        return copy
    }

    @Test func pageViewsPerMinuteFillItsSQLiteTable() async throws {
        try await offPool {
            let folder = try examples()
            defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
            let outcome = try RivuletProcess.run(["run", folder.appendingPathComponent("pageviews_per_minute.sql").path])
            #expect(outcome.status == 0, "\(outcome.stderr)")
            let rows = try sqliteRows(folder.appendingPathComponent("out/pageviews.db").path,
                                      "SELECT page, window_start, views FROM pageviews_per_minute ORDER BY window_start, page")
            #expect(Set(rows.map { $0[0] }) == ["/home", "/pricing", "/docs", "/blog"])
            #expect(Set(rows.map { $0[1] }) == ["2024-05-01 09:00:00.000", "2024-05-01 09:01:00.000", "2024-05-01 09:02:00.000"])
            #expect(rows.reduce(0) { $0 + Int($1[2])! } == 240)
            #expect(outcome.stderr.contains("late rows 0"))
        }
    }

    @Test func userSessionsPrintsThreeSessionsPerUser() async throws {
        try await offPool {
            let folder = try examples()
            defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
            let outcome = try RivuletProcess.run(["run", folder.appendingPathComponent("user_sessions.sql").path])
            #expect(outcome.status == 0, "\(outcome.stderr)")
            let rows = outcome.stdout.split(separator: "\n").dropFirst(2).filter { $0.contains("|") }
                .map { $0.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) } }
            #expect(rows.count == 9)
            for user in ["alice", "bob", "carol"] { #expect(rows.filter { $0[0] == user }.count == 3) }
            #expect(rows.reduce(0) { $0 + Int($1[3])! } == 38)
            #expect(rows.allSatisfy { Int64($0[1])! <= Int64($0[2])! })
        }
    }

    @Test func overheatingSensorsAlertsOnlyForTheHotSensor() async throws {
        try await offPool {
            let folder = try examples()
            defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
            let outcome = try RivuletProcess.run(["run", folder.appendingPathComponent("overheating_sensors.sql").path])
            #expect(outcome.status == 0, "\(outcome.stderr)")
            let alerts = try ResultComparison.rows(at: folder.appendingPathComponent("out/alerts"))
            #expect(!alerts.isEmpty)
            #expect(alerts.allSatisfy { $0[0] == "s3" && Double($0[3])! > 80 })
        }
    }

    private func sqliteRows(_ path: String, _ sql: String) throws -> [[String]] {
        var db: OpaquePointer?
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, nil) == SQLITE_OK else {
            Issue.record("cannot open \(path)")
            return []
        }
        defer { sqlite3_close(db) }
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK else {
            Issue.record(Comment(rawValue: String(cString: sqlite3_errmsg(db))))
            return []
        }
        defer { sqlite3_finalize(statement) }
        var rows: [[String]] = []
        while sqlite3_step(statement) == SQLITE_ROW {
            rows.append((0..<sqlite3_column_count(statement)).map { String(cString: sqlite3_column_text(statement, $0)) })
        }
        return rows
    }
}
