import RivuletCore
import RivuletSQL
import Testing

/// Where statements end: a `;` outside quotes and comments, by Postgres's rules.
@Suite struct StatementScannerTests {
    private func texts(_ sql: String) -> [String] {
        StatementScanner.split(sql).statements.map(\.text)
    }

    @Test func semicolonsInQuotesAndCommentsDoNotEndAStatement() {
        #expect(texts("SELECT 'a;b', 'it''s;' FROM t; SELECT 2") == ["SELECT 'a;b', 'it''s;' FROM t", " SELECT 2"])
        #expect(texts("SELECT \"odd;name\", \"x\"\";\", `y;z` FROM t") == ["SELECT \"odd;name\", \"x\"\";\", `y;z` FROM t"])
        #expect(texts("SELECT 1 -- a; comment\n; SELECT 2 /* b; */") == ["SELECT 1 -- a; comment\n", " SELECT 2 /* b; */"])
    }

    @Test func blockCommentsNest() {
        #expect(texts("/* a /* b; */ c; */ SELECT 1; SELECT 2") == ["/* a /* b; */ c; */ SELECT 1", " SELECT 2"])
        // `/*/` opens a comment and does not close it.
        #expect(texts("SELECT 1 /*/ ; */; SELECT 2") == ["SELECT 1 /*/ ; */", " SELECT 2"])
    }

    @Test func dollarQuotesHideSemicolons() {
        #expect(texts("SELECT $$a;b$$, $tag$c;$$;d$tag$, $_1$e;$_1$; SELECT 2")
            == ["SELECT $$a;b$$, $tag$c;$$;d$tag$, $_1$e;$_1$", " SELECT 2"])
        // A parameter, or a `$` inside a word, opens no quote.
        #expect(texts("SELECT $1; SELECT a$b$; SELECT 3") == ["SELECT $1", " SELECT a$b$", " SELECT 3"])
    }

    /// Flink's statement sets are one statement, up to the `;` after their `END`; a
    /// transaction's `BEGIN;` and a `CASE ... END` are not sets.
    @Test func aStatementSetIsOneStatement() {
        #expect(texts("EXECUTE STATEMENT SET BEGIN INSERT INTO a SELECT * FROM s; INSERT INTO b SELECT * FROM s; END; SELECT 1")
            == ["EXECUTE STATEMENT SET BEGIN INSERT INTO a SELECT * FROM s; INSERT INTO b SELECT * FROM s; END", " SELECT 1"])
        #expect(texts("begin statement set;\ninsert into a select * from s;\nend;\nSELECT 2")
            == ["begin statement set;\ninsert into a select * from s;\nend", "\nSELECT 2"])
        #expect(texts("BEGIN; SELECT CASE WHEN x THEN 1 END; END; SELECT 3") == ["BEGIN", " SELECT CASE WHEN x THEN 1 END", " END", " SELECT 3"])
        #expect(texts("EXECUTE STATEMENT SET BEGIN INSERT INTO a SELECT 'END;' FROM s; END") == ["EXECUTE STATEMENT SET BEGIN INSERT INTO a SELECT 'END;' FROM s; END"])
    }

    @Test func statementsKnowWhereTheyStart() {
        let statements = StatementScanner.split("SELECT 1;\n  SELECT 'x\ny'; SELECT 3").statements
        #expect(statements.map(\.start) == [
            SourceLocation(line: 1, column: 1, offset: 0), SourceLocation(line: 1, column: 10, offset: 9),
            SourceLocation(line: 3, column: 4, offset: 25),
        ])
        #expect(StatementScanner.split("SELECT 1; -- done").statements.map(\.hasCode) == [true, false])
    }

    @Test(arguments: [
        ("SELECT 1", StatementScanner.Context.normal), ("SELECT 'a", .singleQuote), ("SELECT \"a", .doubleQuote),
        ("SELECT `a", .backtick), ("SELECT $q$ a", .dollarQuote(tag: "q")), ("SELECT /* a /* b */", .blockComment(depth: 1)),
        ("SELECT 1 -- c", .lineComment), ("SELECT 1 -- c\n", .normal), ("SELECT 'a''", .singleQuote),
    ])
    func reportsWhereTheTextEnds(_ sql: String, _ context: StatementScanner.Context) {
        #expect(StatementScanner.split(sql).context == context)
    }

    @Test func chunksReadLikeTheWholeText() {
        let sql = "SELECT 'a;\nb', $x$;\n$x$ /* c\n; */ -- d;\n; SELECT 2;"
        var scanner = StatementScanner()
        var ends = 0
        for line in sql.split(separator: "\n", omittingEmptySubsequences: false) {
            let characters = Array(line) + ["\n"]
            var index = 0
            while let piece = scanner.next(in: characters, at: &index) {
                if piece.kind == .end { ends += 1 }
            }
        }
        #expect(ends == 2)
        #expect(StatementScanner.split(sql).statements.count == 3)
    }
}
