import Foundation
import RivuletCore
import RivuletServer
import RivuletSQL
import Testing

/// A statement set given to the server starts one persistent query per INSERT, each logged with
/// its own text, and starts none when one of them does not plan.
@Suite struct StatementSetTests {
    @Test func eachInsertOfASetIsAQueryOfItsOwn() async throws {
        let directory = try ServeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let manager = try QueryManager(workingDirectory: directory.path, dataDirectory: directory.path, persistent: false)
        let setup = """
            CREATE STREAM bids (auction BIGINT, price BIGINT);
            CREATE STREAM cheap (auction BIGINT);
            CREATE STREAM dear (auction BIGINT);
            """
        for parsed in try parseScript(setup) { _ = try await manager.execute(parsed) }

        let broken = try #require(try parseScript("""
            EXECUTE STATEMENT SET BEGIN INSERT INTO cheap SELECT auction FROM bids; INSERT INTO dear SELECT nosuch FROM bids; END
            """).first)
        await #expect(throws: SQLError.self) { _ = try await manager.execute(broken) }
        #expect(await manager.persistentQueries.isEmpty)

        let set = try #require(try parseScript("""
            EXECUTE STATEMENT SET BEGIN
              INSERT INTO cheap SELECT auction FROM bids WHERE price < 25;
              INSERT INTO dear SELECT auction FROM bids WHERE price >= 25;
            END
            """).first)
        guard case .started(let queries) = try await manager.execute(set) else {
            Issue.record("the set started no queries")
            return
        }
        #expect(queries.map(\.id) == ["q1", "q2"])
        #expect(queries.map(\.sink) == ["cheap", "dear"])
        await manager.shutdown()
    }
}
