import RivuletCore
import RivuletSQL
import Testing

@Suite struct ScriptTests {
    @Test func statementsWithTheirOwnText() throws {
        let script = "-- leading comment\nSHOW STREAMS;\n\n;; SELECT 1 ;\nDESCRIBE t"
        let statements = try parseScript(script)
        #expect(statements.map(\.text) == ["SHOW STREAMS", "SELECT 1", "DESCRIBE t"])
        #expect(statements[0].span.start == SourceLocation(line: 2, column: 1, offset: 19))
        #expect(statements[1].span.start.line == 4)
        #expect(statements[2].statement == .describe(Describe(name: ObjectName("t"))))
        #expect(try parseScript("  ;  -- nothing\n").isEmpty)
    }

    /// The parameterized tests below run once per fixture script: with none found they would
    /// pass without running anything.
    @Test func findsTheFixtureScripts() {
        #expect(!Fixtures.scripts(in: "flink-reference").isEmpty, "no scripts in \(Fixtures.url("flink-reference").path)")
        #expect(!Fixtures.scripts(in: "nexmark").isEmpty, "no scripts in \(Fixtures.url("nexmark").path)")
    }

    /// Flink's reference scripts: filesystem tables with a watermark, views, and last the query:
    /// an `INSERT INTO` the sink or, for a changelog result, a bare query.
    @Test(arguments: Fixtures.scripts(in: "flink-reference"))
    func flinkReferenceScripts(_ path: String) throws {
        let statements = try parseScript(try Fixtures.text(path))
        #expect(statements.count >= 2)
        guard case .createRelation(let source) = statements[0].statement else {
            Issue.record("first statement is not CREATE TABLE")
            return
        }
        #expect(source.watermark != nil)
        for case .createRelation(let table) in statements.map(\.statement) {
            #expect(table.option("connector") == .string("filesystem"))
        }
        switch statements.last?.statement {
        case .insertSelect?, .query?: break
        default: Issue.record("last statement is not INSERT INTO ... SELECT or a query")
        }
        for statement in statements { checkPrintedForm(of: statement.statement) }
    }

    @Test(arguments: Fixtures.scripts(in: "nexmark"))
    func nexmarkQueries(_ path: String) throws {
        let statements = try parseScript(try Fixtures.text(path))
        #expect(!statements.isEmpty)
        for statement in statements {
            checkPrintedForm(of: statement.statement)
            // Each statement's own text parses to the same statement.
            #expect(try parseStatement(statement.text) == statement.statement)
        }
    }

    @Test func allNexmarkQueriesArePresent() {
        let names = Set(Fixtures.scripts(in: "nexmark"))
        for q in 0...22 { #expect(names.contains("nexmark/q\(q).sql"), "missing q\(q)") }
    }

    @Test func nexmarkQ5IsAHopSelfJoin() throws {
        let statements = try parseScript(try Fixtures.text("nexmark/q5.sql"))
        guard case .insertSelect(let insert) = statements.last?.statement, case .select(let s) = insert.query.body,
            case .join(let join) = s.from[0], case .derived(let left) = join.left, case .select(let inner) = left.query.body,
            case .windowFunction(let hop) = inner.from[0]
        else {
            Issue.record("unexpected shape of q5")
            return
        }
        #expect(hop.kind == .hop)
        #expect(left.alias?.value == "AuctionBids")
    }

    @Test func ksqlScript() throws {
        let statements = try parseScript(try Fixtures.text("ksql/pageviews.sql"))
        let kinds = statements.map { statement -> String in
            switch statement.statement {
            case .set: return "set"
            case .createRelation: return "create"
            case .createRelationAsSelect: return "csas"
            case .insertValues: return "values"
            case .query: return "query"
            case .show: return "show"
            case .describe: return "describe"
            case .explain: return "explain"
            case .terminate: return "terminate"
            case .drop: return "drop"
            default: return "other"
            }
        }
        #expect(kinds == [
            "set", "create", "create", "csas", "csas", "csas", "csas", "csas", "values", "query", "query",
            "show", "show", "show", "describe", "describe", "explain", "terminate", "drop", "drop",
        ])
        for statement in statements { checkPrintedForm(of: statement.statement) }
        guard case .createRelationAsSelect(let sessions) = statements[6].statement, case .select(let s) = sessions.query.body else {
            Issue.record("seventh statement is not a CREATE ... AS SELECT over a plain select")
            return
        }
        #expect(s.window?.kind == .session)
        #expect(s.window?.grace?.milliseconds == 500)
        #expect(sessions.query.emit == .final)
    }
}
