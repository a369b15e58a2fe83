import RivuletShell
import Testing

/// How typed lines become statements: `;` ends one only outside quotes and comments.
struct StatementAccumulatorTests {
    private func statements(_ lines: [String]) -> (texts: [String], rest: String?) {
        var accumulator = StatementAccumulator()
        var texts: [String] = []
        for line in lines { texts += accumulator.add(line: line).map(\.text) }
        return (texts, accumulator.finish()?.text)
    }

    @Test func semicolonEndsAStatementAndSeveralMayShareALine() {
        let result = statements(["SELECT 1; SELECT 2;", "SELECT", "  3", ";"])
        #expect(result.texts == ["SELECT 1", "SELECT 2", "SELECT\n  3"])
        #expect(result.rest == nil)
    }

    @Test func semicolonsInsideQuotesDoNotEndTheStatement() {
        let result = statements([
            "INSERT INTO s VALUES ('a;b', 'it''s;');",
            "SELECT \"odd;name\", `x;y` FROM t;",
        ])
        #expect(result.texts == ["INSERT INTO s VALUES ('a;b', 'it''s;')", "SELECT \"odd;name\", `x;y` FROM t"])
    }

    @Test func aQuoteOpenAcrossLinesKeepsTheStatementOpen() {
        var accumulator = StatementAccumulator()
        #expect(accumulator.add(line: "SELECT 'one;").isEmpty)
        #expect(accumulator.state == .singleQuote)
        #expect(!accumulator.isEmpty)
        #expect(accumulator.add(line: "two';").map(\.text) == ["SELECT 'one;\ntwo'"])
        #expect(accumulator.isEmpty)
    }

    @Test func commentsHideSemicolonsAndLeadingCommentsAreDropped() {
        let result = statements([
            "-- a header; with a semicolon",
            "/* a block; comment",
            "   still; inside /* nested; */ here; */",
            "SELECT a -- trailing; comment",
            "FROM t;",
        ])
        #expect(result.texts == ["SELECT a -- trailing; comment\nFROM t"])
    }

    @Test func dollarQuotesHideSemicolonsButParametersDoNot() {
        let result = statements(["SELECT $$a;b$$, $tag$c;$$;d$tag$;", "SELECT $1;"])
        #expect(result.texts == ["SELECT $$a;b$$, $tag$c;$$;d$tag$", "SELECT $1"])
    }

    /// The shell splits as the server does (`StatementScanner`); these are where the two
    /// tokenizers they had before disagreed.
    @Test func splitsLikeTheServer() {
        // A `$` inside a word opens no dollar quote.
        #expect(statements(["SELECT a$b$ FROM t; SELECT 2;"]).texts == ["SELECT a$b$ FROM t", "SELECT 2"])
        // `/*/` opens a comment and does not close it.
        #expect(statements(["SELECT 1 /*/ ; */; SELECT 2;"]).texts == ["SELECT 1 /*/ ; */", "SELECT 2"])
    }

    @Test func aLineCommentEndsWithItsLine() {
        var accumulator = StatementAccumulator()
        #expect(accumulator.add(line: "SELECT 1 -- no end; here").isEmpty)
        #expect(accumulator.state == .normal)
        #expect(!accumulator.isEmpty)
        #expect(accumulator.add(line: ";").map(\.text) == ["SELECT 1 -- no end; here"])
    }

    @Test func aStatementWithoutSemicolonAtTheEndIsReturnedByFinish() {
        let result = statements(["CREATE STREAM s (a INT);", "SELECT * FROM s"])
        #expect(result.texts == ["CREATE STREAM s (a INT)"])
        #expect(result.rest == "SELECT * FROM s")
        #expect(statements(["-- only a comment", "  "]).rest == nil)
        #expect(statements([";;", " ; "]).texts.isEmpty)
    }

    @Test func statementsKnowWhereTheyStartInTheScript() {
        var accumulator = StatementAccumulator()
        var found: [StatementAccumulator.Statement] = []
        for line in ["-- header", "", "CREATE STREAM s (a INT);  SELECT", "  a FROM s;"] {
            found += accumulator.add(line: line)
        }
        #expect(found.map(\.line) == [3, 3])
        #expect(found.map(\.column) == [1, 27])
    }

    @Test func resetForgetsAHalfTypedStatement() {
        var accumulator = StatementAccumulator()
        _ = accumulator.add(line: "SELECT 'unfinished")
        accumulator.reset()
        #expect(accumulator.isEmpty)
        #expect(accumulator.add(line: "SELECT 1;").map(\.text) == ["SELECT 1"])
    }
}
