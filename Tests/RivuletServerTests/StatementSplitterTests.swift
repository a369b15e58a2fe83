import RivuletCore
@testable import RivuletServer
import Testing

struct StatementSplitterTests {
    @Test func splitsAtSemicolonsOutsideQuotesAndComments() {
        let sql = "SELECT 'a;b' AS x; -- c;d\nSELECT \"e;f\" FROM t /* g; */; ;  "
        let pieces = StatementSplitter.split(sql)
        #expect(pieces.map(\.text) == ["SELECT 'a;b' AS x", " -- c;d\nSELECT \"e;f\" FROM t /* g; */"])
        #expect(pieces.map(\.offset) == [0, 18])
        #expect(pieces[1].line == 1 && pieces[1].column == 19)
    }

    @Test func doubledQuotesStayInsideTheString() {
        let pieces = StatementSplitter.split("INSERT INTO s VALUES ('it''s; fine'); SELECT 1")
        #expect(pieces.map(\.text) == ["INSERT INTO s VALUES ('it''s; fine')", " SELECT 1"])
    }

    /// The server splits as the shell does (`StatementScanner`); these are where the two
    /// tokenizers they had before disagreed.
    @Test func splitsLikeTheShell() {
        #expect(StatementSplitter.split("SELECT $$a;b$$; SELECT 2").map(\.text) == ["SELECT $$a;b$$", " SELECT 2"])
        #expect(StatementSplitter.split("/* a /* b; */ c; */ SELECT 1; SELECT 2").map(\.text) == ["/* a /* b; */ c; */ SELECT 1", " SELECT 2"])
        #expect(StatementSplitter.split("SELECT 1 /*/ ; */; SELECT 2").map(\.text) == ["SELECT 1 /*/ ; */", " SELECT 2"])
    }

    @Test func errorsMoveFromThePieceToTheWholeString() {
        let pieces = StatementSplitter.split("SELECT 1;\nSELECT a FORM t")
        let error = SQLError(.syntaxError, "expected FROM", at: SourceSpan(
            start: SourceLocation(line: 2, column: 10, offset: 10), end: SourceLocation(line: 2, column: 14, offset: 14)))
        let placed = pieces[1].placed(error)
        #expect(placed.span?.start == SourceLocation(line: 2, column: 10, offset: 19))
        let first = SQLError(.syntaxError, "x", at: SourceSpan(at: SourceLocation(line: 1, column: 3, offset: 2)))
        #expect(StatementSplitter.split("SELECT 1; SELECT 2")[1].placed(first).span?.start == SourceLocation(line: 1, column: 12, offset: 11))
    }
}

struct MaterializedTableStoreTests {
    private func batch(_ rows: [([Value], RowKind)]) -> RowBatch {
        var batch = RowBatch(types: [.varchar, .bigint])
        for (row, kind) in rows { batch.appendRow(row, kind: kind) }
        return batch
    }

    @Test func keyedTableHoldsTheLatestRowPerKey() {
        let store = MaterializedTableStore()
        store.apply(batch([([.string("a"), .int(1)], .insert), ([.string("b"), .int(1)], .insert)]), types: [.varchar, .bigint], key: [0], to: "T")
        store.apply(batch([([.string("a"), .int(1)], .updateBefore), ([.string("a"), .int(2)], .updateAfter)]), types: [.varchar, .bigint], key: [0], to: "t")
        #expect(store.rows(of: "t") == [[.string("a"), .int(2)], [.string("b"), .int(1)]])
        store.apply(batch([([.string("a"), .int(2)], .delete)]), types: [.varchar, .bigint], key: [0], to: "t")
        #expect(store.rows(of: "t") == [[.string("b"), .int(1)]])
    }

    @Test func tableWithoutKeyAppliesTheChangelogAsAMultiset() {
        let store = MaterializedTableStore()
        let row: [Value] = [.string("a"), .int(1)]
        store.apply(batch([(row, .insert), (row, .insert), (row, .updateBefore)]), types: [.varchar, .bigint], key: [], to: "t")
        #expect(store.rows(of: "t") == [row])
        store.drop("t")
        #expect(store.rows(of: "t").isEmpty)
    }
}
