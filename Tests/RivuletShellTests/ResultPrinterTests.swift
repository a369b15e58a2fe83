@testable import RivuletShell
import Testing

/// What the shell prints as a statement's results arrive: a push query's header before its
/// first row and each row at once; other results as one table when they are complete.
struct ResultPrinterTests {
    final class Lines {
        var all: [String] = []
    }

    let columns = [PGConnection.Column(name: "id", typeOID: 23), PGConnection.Column(name: "name", typeOID: 1043)]

    @Test func pushQueryPrintsTheHeaderAtOnceAndEachRowAsItArrives() {
        let lines = Lines()
        let printer = ResultPrinter(streaming: true, expanded: .auto, terminalWidth: 80) { lines.all.append($0) }
        printer.handle(.columns(columns))
        #expect(lines.all == ["   id   |     name     ", "--------+--------------"])
        printer.handle(.row(["1", "a"]))
        #expect(lines.all.last == "      1 | a            ")
        printer.handle(.row(["2", nil]))
        #expect(lines.all.count == 4)
        printer.handle(.failed(ServerError(sqlState: "57014", message: "canceling statement due to user request")))
        #expect(lines.all.last == "(2 rows)")
        #expect(printer.error?.sqlState == "57014")
    }

    @Test func pushQueryWiderThanTheTerminalPrintsOneBlockPerRecord() {
        let lines = Lines()
        let printer = ResultPrinter(streaming: true, expanded: .auto, terminalWidth: 20) { lines.all.append($0) }
        printer.handle(.columns(columns))
        #expect(lines.all.isEmpty)
        printer.handle(.row(["1", "a"]))
        #expect(lines.all == ["-[ RECORD 1 ]-\nid   | 1\nname | a"])
    }

    @Test func aWholeResultIsOneTableAndACommandItsTag() {
        let lines = Lines()
        let printer = ResultPrinter(streaming: false, expanded: .auto, terminalWidth: 80) { lines.all.append($0) }
        printer.handle(.columns(columns))
        printer.handle(.row(["1", "a"]))
        #expect(lines.all.isEmpty)
        printer.handle(.completed(tag: "SELECT 1"))
        #expect(lines.all == [" id | name \n----+------\n  1 | a    \n(1 row)"])
        printer.handle(.completed(tag: "CREATE STREAM"))
        #expect(lines.all.last == "CREATE STREAM")
        #expect(printer.error == nil)
    }
}
