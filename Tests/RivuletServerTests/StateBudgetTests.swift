import Foundation
import Testing

/// `SET 'state.memory-budget'` on the server: a GROUP BY over more keys than the budget still
/// gives every key's right row (cold keys spill to disk and come back), and a budget that is
/// not a number of keys fails the statement.
@Suite(.timeLimit(.minutes(2)))
struct StateBudgetTests {
    @Test func aGroupByOverMoreKeysThanTheBudgetKeepsEveryKeyRight() async throws {
        try await ServeProcess.with { server, _ in
            _ = try await server.sql("CREATE STREAM views (page VARCHAR, ms INT)")
            #expect(try await server.sql("""
                SET 'state.memory-budget' = '3';
                CREATE TABLE per_page AS SELECT page, COUNT(*) AS n, SUM(ms) AS total FROM views GROUP BY page
                """) == "SET\nq1\n")
            for round in 1...3 {
                let rows = (0..<12).map { "('p\($0)', \(round * 10 + $0))" }.joined(separator: ", ")
                _ = try await server.sql("INSERT INTO views VALUES \(rows)")
            }
            let expected = (0..<12).map { "p\($0)|3|\(60 + 3 * $0)" }.sorted().joined(separator: "\n") + "\n"
            func rows() async throws -> String {
                try await server.sql("SELECT page, n, total FROM per_page").split(separator: "\n").sorted().joined(separator: "\n") + "\n"
            }
            #expect(try await ServeProcess.eventually { try await rows() == expected })
            let held = try await rows()
            #expect(held == expected)

            let bad = try await server.psql(["-c", "SET 'state.memory-budget' = 'lots'; CREATE TABLE other AS SELECT page, COUNT(*) AS n FROM views GROUP BY page"])
            #expect(bad.status != 0)
            #expect(bad.stderr.contains("state.memory-budget"), "\(bad.stderr)")
        }
    }
}
