import Foundation
import Testing

/// Statements far longer than anyone writes by hand, sent by a real client to `rivulet serve`:
/// each gets an answer (rows or a clean error), the server stays up, and a WHERE clause of
/// hundreds of ORs or an IN list of thousands of values plans without delay.
@Suite struct LongStatementTests {
    private static func chain(_ terms: Int, _ term: String, _ op: String) -> String {
        Array(repeating: term, count: terms).joined(separator: " \(op) ")
    }

    /// Runs `sql` from a file (a 20,000-term statement is longer than one argument may be).
    private static func run(_ server: ServeProcess, _ directory: URL, _ sql: String) async throws -> Psql.Result {
        let file = directory.appendingPathComponent("statement-\(UUID().uuidString).sql")
        try (sql + ";\n").write(to: file, atomically: true, encoding: .utf8)
        return try await server.psql(["-f", file.path])
    }

    @Test(arguments: [5_000, 20_000])
    func longOperatorChainsAnswerAndTheServerStaysUp(terms: Int) async throws {
        try await ServeProcess.with { server, directory in
            let statements = [
                "SELECT " + Self.chain(terms, "1", "+"),
                "SELECT " + Self.chain(terms, "'a'", "||"),
                "SELECT " + Self.chain(terms, "TRUE", "AND"),
                "SELECT " + Self.chain(terms, "1 = 2", "OR"),
            ]
            for sql in statements {
                let result = try await Self.run(server, directory, sql)
                // Either the answer or a clean "statement too complex" error, never a lost connection.
                #expect(
                    result.status == 0 || result.stderr.contains("statement too complex"),
                    "\(sql.prefix(40))...: \(result.stderr)\nserver: \(server.stderr)")
                #expect(try await server.sql("SELECT 1") == "1\n")
            }
        }
    }

    @Test func hundredsOfOrsAndLongInListsPlanQuickly() async throws {
        try await ServeProcess.with { server, directory in
            _ = try await server.sql("CREATE STREAM s (a INT, b VARCHAR); INSERT INTO s VALUES (1, 'x'), (7, 'y'), (500, 'z')")
            let ors = (1...200).map { "a = \($0)" }.joined(separator: " OR ")
            let byOrs = try await Self.run(server, directory, "SELECT b FROM s WHERE \(ors)")
            #expect(byOrs.status == 0, "\(byOrs.stderr)")
            #expect(byOrs.stdout == "x\ny\n")
            let list = (1...5_000).map(String.init).joined(separator: ", ")
            let byList = try await Self.run(server, directory, "SELECT b FROM s WHERE a IN (\(list))")
            #expect(byList.status == 0, "\(byList.stderr)")
            #expect(byList.stdout == "x\ny\nz\n")
            let explained = try await Self.run(server, directory, "EXPLAIN SELECT b FROM s WHERE \(ors)")
            #expect(explained.status == 0, "\(explained.stderr)")
        }
    }
}
