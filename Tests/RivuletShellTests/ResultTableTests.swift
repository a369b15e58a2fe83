import RivuletShell
import Testing

/// Results as psql draws them: centred headers, numbers on the right, NULL spelled out, a row
/// count, and one block per record when the table is too wide.
struct ResultTableTests {
    let table = ResultTable(
        headers: ["id", "name", "total"], alignments: [.right, .left, .right],
        rows: [["1", "alice", "10.5"], ["22", nil, "3"]])

    @Test func alignedTableHasHeaderSeparatorRowsAndCount() {
        #expect(table.aligned() == """
             id | name  | total 
            ----+-------+-------
              1 | alice |  10.5 
             22 | NULL  |     3 
            (2 rows)
            """)
    }

    @Test func aSingleRowAndNoRowsAreCountedInWords() {
        #expect(ResultTable(headers: ["n"], rows: [["7"]]).aligned().hasSuffix("\n(1 row)"))
        #expect(ResultTable(headers: ["n"], rows: []).aligned() == " n \n---\n(0 rows)")
    }

    @Test func expandedViewShowsOneBlockPerRecord() {
        #expect(table.expanded() == """
            -[ RECORD 1 ]-
            id    | 1
            name  | alice
            total | 10.5
            -[ RECORD 2 ]-
            id    | 22
            name  | NULL
            total | 3
            """)
    }

    @Test func autoExpandsOnlyWhenTheTableIsWiderThanTheTerminal() {
        #expect(table.alignedWidth == 20)
        #expect(table.rendered(expanded: .auto, terminalWidth: 80) == table.aligned())
        #expect(table.rendered(expanded: .auto, terminalWidth: 19) == table.expanded())
        #expect(table.rendered(expanded: .auto, terminalWidth: nil) == table.aligned())
        #expect(table.rendered(expanded: .off, terminalWidth: 19) == table.aligned())
        #expect(table.rendered(expanded: .on, terminalWidth: 200) == table.expanded())
    }

    @Test func lineBreaksInsideACellDoNotBreakTheTable() {
        let rendered = ResultTable(headers: ["text"], rows: [["two\nlines"]]).aligned()
        #expect(rendered.split(separator: "\n").count == 4)
        #expect(rendered.contains("two lines"))
    }
}
