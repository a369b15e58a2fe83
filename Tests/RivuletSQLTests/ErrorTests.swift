import RivuletCore
import RivuletSQL
import Testing

@Suite struct ErrorTests {
    private func check(
        _ sql: String, message: String, line: Int, column: Int, hint: String? = nil,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) {
        guard let error = syntaxError(sql) else {
            Issue.record("expected an error for: \(sql)", sourceLocation: sourceLocation)
            return
        }
        #expect(error.state == .syntaxError, sourceLocation: sourceLocation)
        #expect(error.message == message, sourceLocation: sourceLocation)
        #expect(error.span?.start.line == line, "line", sourceLocation: sourceLocation)
        #expect(error.span?.start.column == column, "column", sourceLocation: sourceLocation)
        if let hint { #expect(error.hint == hint, sourceLocation: sourceLocation) }
    }

    @Test func misspeltFrom() {
        check("SELECT a FORM t", message: "expected FROM, found 'FORM'", line: 1, column: 10, hint: "did you mean FROM?")
    }

    @Test func misspeltStatementKeyword() {
        check("SELEC * FROM t", message: "expected a statement, found 'SELEC'", line: 1, column: 1, hint: "did you mean SELECT?")
        check("CREATE STREM s (a INT)", message: "expected STREAM, TABLE or VIEW after CREATE, found 'STREM'", line: 1, column: 8,
              hint: "did you mean STREAM?")
    }

    @Test func windowSizeNotClosed() {
        check("SELECT k FROM s WINDOW TUMBLING (SIZE 10 SECONDS GROUP BY k",
              message: "expected ')' after window size, found 'GROUP'", line: 1, column: 50)
    }

    @Test func missingExpressionAtEnd() {
        check("SELECT a +", message: "expected an expression, found end of input", line: 1, column: 11)
        check("SELECT a FROM t WHERE", message: "expected an expression, found end of input", line: 1, column: 22)
    }

    @Test func unclosedParenthesisOnALaterLine() {
        check("SELECT a\nFROM t\nWHERE (a = 1", message: "expected ')' to close '(', found end of input", line: 3, column: 13)
    }

    @Test func unterminatedStringOnSecondLine() {
        check("SELECT a\nFROM t WHERE b = 'oops", message: "unterminated string literal", line: 2, column: 18)
    }

    @Test func joinWithoutOn() {
        check("SELECT * FROM t JOIN u", message: "expected ON after joined table, found end of input", line: 1, column: 23)
    }

    @Test func missingSemicolonBetweenStatements() {
        check("SHOW STREAMS SHOW TABLES", message: "expected ';' or end of input after statement, found 'SHOW'", line: 1, column: 14)
    }

    @Test func durationUnits() {
        check("SELECT k FROM s WINDOW TUMBLING (SIZE 10 SECONS) GROUP BY k",
              message: "expected a time unit (MILLISECONDS, SECONDS, MINUTES, HOURS or DAYS) after 10, found 'SECONS'",
              line: 1, column: 42, hint: "did you mean SECONDS?")
    }

    @Test func incompleteWindows() {
        check("SELECT k FROM s WINDOW HOPPING (SIZE 10 SECONDS) GROUP BY k",
              message: "WINDOW HOPPING needs ADVANCE BY, as in (SIZE 10 SECONDS, ADVANCE BY 2 SECONDS)", line: 1, column: 17)
        check("SELECT * FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts)))", message: "TUMBLE needs a size argument", line: 1, column: 15)
    }

    @Test func reservedWordAsName() {
        check("SELECT a FROM select", message: "expected a table name or subquery, found 'select'", line: 1, column: 15)
        check("CREATE TABLE t (from INT)", message: "expected a column definition, found 'from'", line: 1, column: 17)
    }

    @Test func decimalPrecisionIsAtMost38Digits() {
        check("CREATE STREAM s (id INT, d DECIMAL(39, 2))", message: "DECIMAL precision must be between 1 and 38, not 39", line: 1, column: 28)
        check("SELECT CAST(x AS DECIMAL(0))", message: "DECIMAL precision must be between 1 and 38, not 0", line: 1, column: 18)
        #expect(syntaxError("CREATE STREAM s (d DECIMAL(38, 38))") == nil)
    }

    @Test func unsupportedDataTypeIsNotASyntaxError() {
        let error = syntaxError("CREATE TABLE t (a MULTISET<INT>)")
        #expect(error?.state == .featureNotSupported)
        #expect(error?.message == "data type MULTISET is not supported")
    }

    @Test func renderedWithCaret() throws {
        let source = "SELECT a\nFROM t\nWHERE x = = 1"
        let error = try #require(syntaxError(source))
        #expect(error.rendered(source: source) == """
            ERROR 42601: expected an expression, found '=' (line 3, column 11)
            WHERE x = = 1
                      ^
            """)
        let typo = "SELECT a FORM t"
        #expect(try #require(syntaxError(typo)).rendered(source: typo) == """
            ERROR 42601: expected FROM, found 'FORM' (line 1, column 10)
            SELECT a FORM t
                     ^^^^
            hint: did you mean FROM?
            """)
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let depth = 5_000
        let nested = "SELECT " + String(repeating: "(", count: depth) + "1" + String(repeating: ")", count: depth)
        let error = syntaxError(nested)
        #expect(error?.message.hasPrefix("statement nests too deeply") == true)
        let subqueries = String(repeating: "SELECT * FROM (", count: 1_000) + "SELECT 1" + String(repeating: ")", count: 1_000)
        #expect(syntaxError(subqueries) != nil)
        let minus = "SELECT " + String(repeating: "- ", count: 5_000) + "1"
        #expect(syntaxError(minus) != nil)
        let moderate = "SELECT " + String(repeating: "(", count: 40) + "1" + String(repeating: ")", count: 40)
        #expect(syntaxError(moderate) == nil)
    }
}
