@testable import RivuletShell
import Testing

/// Which statements stream their rows, and which make completion fetch names again.
struct StatementKindTests {
    private func statement(_ text: String) -> StatementAccumulator.Statement {
        StatementAccumulator.Statement(text: text, line: 1, column: 1)
    }

    @Test func pushQueriesAreSelectsThatEmit() {
        #expect(statement("SELECT * FROM s EMIT CHANGES").isPushQuery)
        #expect(statement("select a from s window tumbling (size 1 second) group by a emit final").isPushQuery)
        #expect(statement("WITH x AS (SELECT a FROM s) SELECT a FROM x EMIT CHANGES LIMIT 3").isPushQuery)
        #expect(!statement("SELECT 'EMIT CHANGES' FROM s -- EMIT CHANGES").isPushQuery)
        #expect(!statement("CREATE TABLE t AS SELECT a, COUNT(*) FROM s GROUP BY a EMIT CHANGES").isPushQuery)
        #expect(!statement("SELECT * FROM t WHERE k = 1").isPushQuery)
    }

    @Test func definitionsAndQueryStartsRefreshTheNames() {
        #expect(statement("CREATE STREAM s (a INT)").changesCatalog)
        #expect(statement("drop table t").changesCatalog)
        #expect(statement("INSERT INTO t SELECT * FROM s").changesCatalog)
        #expect(statement("TERMINATE q1").changesCatalog)
        #expect(!statement("SELECT * FROM s").changesCatalog)
        #expect(!statement("SHOW STREAMS").changesCatalog)
    }
}
