import RivuletCore
import RivuletShell
import Testing

/// A server error's position becomes a caret under the word, on the right line of a
/// multi-line statement or of a script.
struct ServerErrorTests {
    @Test func caretUnderTheWordAtThePosition() {
        let statement = StatementAccumulator.Statement(text: "SELECT a FORM t", line: 1, column: 1)
        let error = ServerError(sqlState: "42601", message: "expected FROM, found FORM", hint: "did you mean FROM?", position: 10)
        #expect(error.sqlError(in: statement).rendered(source: statement.text) == """
            ERROR 42601: expected FROM, found FORM (line 1, column 10)
            SELECT a FORM t
                     ^^^^
            hint: did you mean FROM?
            """)
    }

    @Test func positionOnALaterLineOfAScript() {
        let script = "-- header\nCREATE STREAM s (a INT);  SELECT b\nFROM s;\n"
        let statement = StatementAccumulator.Statement(text: "SELECT b\nFROM s", line: 2, column: 27)
        let error = ServerError(sqlState: "42703", message: "no column b", position: 8)
        let rendered = error.sqlError(in: statement).rendered(source: script, fileName: "x.sql")
        #expect(rendered == """
            ERROR 42703: no column b (x.sql: line 2, column 34)
            CREATE STREAM s (a INT);  SELECT b
                                             ^
            """)
        let second = ServerError(sqlState: "42P01", message: "no table s", position: 15)
        #expect(second.sqlError(in: statement).rendered(source: script, fileName: "x.sql").hasSuffix("(x.sql: line 3, column 6)\nFROM s;\n     ^"))
    }

    @Test func noPositionNoCaret() {
        let statement = StatementAccumulator.Statement(text: "TERMINATE q9", line: 1, column: 1)
        let error = ServerError(sqlState: "42704", message: "no query 'q9'")
        #expect(error.sqlError(in: statement).rendered(source: statement.text) == "ERROR 42704: no query 'q9'")
    }
}
