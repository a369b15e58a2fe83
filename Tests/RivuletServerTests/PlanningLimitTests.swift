import Foundation
import RivuletCore
import RivuletServer
import RivuletSQL
import Testing

/// Planning ends: a statement's cancel request or statement_timeout stops it, and a statement
/// whose views expand to more than 1000 relation reads is refused, so no client can hold the
/// catalog or fill the memory with one query.
@Suite struct PlanningLimitTests {
    /// Views `v1 ... vN`, each joining the previous one with itself: reading `vN` reads
    /// 2^(N+1) - 1 relations.
    private static func doublingViews(_ depth: Int) -> String {
        var sql = "CREATE STREAM s (a INT); INSERT INTO s VALUES (1); CREATE VIEW v0 AS SELECT a FROM s;"
        for i in 1...depth {
            sql += " CREATE VIEW v\(i) AS SELECT x.a FROM v\(i - 1) x JOIN v\(i - 1) y ON x.a = y.a;"
        }
        return sql
    }

    @Test func aCancelledOrTimedOutStatementStopsPlanning() async throws {
        let directory = try ServeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let manager = try QueryManager(workingDirectory: directory.path, dataDirectory: directory.path, persistent: false)
        for parsed in try parseScript(Self.doublingViews(3)) { _ = try await manager.execute(parsed) }
        let select = try #require(try parseScript("SELECT a FROM v3").first)

        let cancelled = CancelFlag()
        cancelled.set()
        await #expect(throws: SQLError(.queryCanceled, "canceling statement due to user request")) {
            try await manager.execute(select, cancel: cancelled)
        }
        await #expect(throws: SQLError(.queryCanceled, "canceling statement due to user request")) {
            try await manager.describe(select, cancel: cancelled)
        }
        let timedOut = CancelFlag()
        timedOut.timedOut()
        await #expect(throws: SQLError(.queryCanceled, "canceling statement due to statement timeout")) {
            try await manager.execute(select, cancel: timedOut)
        }
        // A flag nobody set, or none: the query plans.
        guard case .query = try await manager.execute(select, cancel: CancelFlag()) else {
            Issue.record("SELECT did not plan")
            return
        }
        guard case .query = try await manager.execute(select) else {
            Issue.record("SELECT did not plan")
            return
        }
    }

    @Test func viewsExpandingPastTheReadLimitAreRefused() async throws {
        try await ServeProcess.with { server, _ in
            _ = try await server.sql(Self.doublingViews(30))
            // v8 reads 511 relations, v9 1023.
            #expect(try await server.sql("SELECT a FROM v8") == "1\n")
            let started = ContinuousClock.now
            let refused = try await server.psql(["-v", "VERBOSITY=verbose", "-c", "SELECT a FROM v30"])
            #expect(refused.status == 1)
            #expect(
                refused.stderr.contains(
                    "54001: statement too complex: it reads more than 1000 streams, tables, views and common table expressions"),
                "\(refused.stderr)")
            #expect(ContinuousClock.now - started < .seconds(30))
            #expect(try await server.psql(["-v", "VERBOSITY=verbose", "-c", "EXPLAIN SELECT a FROM v9"]).stderr.contains("54001"))
            let ctes = "WITH c0 AS (SELECT a FROM s), " + (1...12).map { "c\($0) AS (SELECT x.a FROM c\($0 - 1) x JOIN c\($0 - 1) y ON x.a = y.a)" }
                .joined(separator: ", ") + " SELECT a FROM c12"
            #expect(try await server.psql(["-v", "VERBOSITY=verbose", "-c", ctes]).stderr.contains("54001"))
            #expect(try await server.sql("SELECT 1") == "1\n")
        }
    }

    /// A view that reads itself, directly or through another view, would expand forever: it is
    /// refused when created, with the place it reads itself, and the catalog is left as it was.
    @Test func aViewThatReadsItselfIsRefused() async throws {
        let directory = try ServeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let manager = try QueryManager(workingDirectory: directory.path, dataDirectory: directory.path, persistent: false)
        let setup = """
            CREATE STREAM s (a INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts);
            CREATE VIEW a AS SELECT a, ts FROM s;
            CREATE VIEW b AS SELECT a, ts FROM a;
            DROP VIEW a;
            """
        for parsed in try parseScript(setup) { _ = try await manager.execute(parsed) }
        let selfReading = """
            CREATE VIEW events AS SELECT window_end, COUNT(*) FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '10' SECOND))
            GROUP BY window_start, window_end
            """
        // `a` over `b` over `a`: the loop closes at `b`.
        for (sql, name, loop, column) in [(selfReading, "events", "events", 75), ("CREATE VIEW a AS SELECT a, ts FROM b", "a", "b", 36)] {
            let statement = try #require(try parseScript(sql).first)
            do {
                _ = try await manager.execute(statement)
                Issue.record("\(sql) was accepted")
            } catch {
                #expect(error.state == .invalidObjectDefinition && error.message == "view '\(loop)' reads itself", "\(error)")
                #expect(error.span?.start.column == column, "\(error)")
            }
            let read = try #require(try parseScript("SELECT * FROM \(name)").first)
            do {
                _ = try await manager.execute(read)
                Issue.record("\(name) was created")
            } catch {
                #expect(error.state == .undefinedTable, "\(error)")
            }
        }
    }
}
