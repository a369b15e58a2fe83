@testable import RivuletServer
import Testing

/// How `DECLARE`, `FETCH` and `MOVE` are read: Postgres's direction words, signs and options.
struct CursorStatementTests {
    @Test func declareReadsScrollAndTheQuery() {
        #expect(CursorStatement("DECLARE c SCROLL CURSOR WITH HOLD FOR SELECT 1")
            == .declare(name: "c", query: "SELECT 1", queryOffset: 38, scroll: true))
        #expect(CursorStatement("declare \"Big\" binary no scroll cursor for select 1")
            == .declare(name: "Big", query: "select 1", queryOffset: 42, scroll: false))
        #expect(CursorStatement("DECLARE c CURSOR FOR SELECT 1") == .declare(name: "c", query: "SELECT 1", queryOffset: 21, scroll: false))
        #expect(CursorStatement("DECLARE c SIDEWAYS CURSOR FOR SELECT 1") == nil)
    }

    @Test func fetchAndMoveReadEveryDirection() {
        let cases: [(String, CursorDirection)] = [
            ("FETCH c", .forward(1)), ("FETCH FROM c", .forward(1)), ("FETCH NEXT IN c", .forward(1)),
            ("FETCH PRIOR FROM c", .backward(1)), ("FETCH FIRST FROM c", .absolute(1)), ("FETCH LAST FROM c", .absolute(-1)),
            ("FETCH ABSOLUTE -3 FROM c", .absolute(-3)), ("FETCH RELATIVE 0 FROM c", .relative(0)),
            ("FETCH 5 FROM c", .forward(5)), ("FETCH -2 FROM c", .backward(2)), ("FETCH ALL FROM c", .forward(nil)),
            ("FETCH FORWARD ALL FROM c", .forward(nil)), ("FETCH FORWARD -1 FROM c", .backward(1)),
            ("FETCH BACKWARD 2 FROM c", .backward(2)), ("FETCH BACKWARD ALL FROM c", .backward(nil)),
            ("FETCH BACKWARD -2 FROM c", .forward(2)),
        ]
        for (sql, direction) in cases {
            #expect(CursorStatement(sql) == .fetch(name: "c", direction: direction), "\(sql)")
        }
        #expect(CursorStatement("MOVE ABSOLUTE 2 FROM c;") == .move(name: "c", direction: .absolute(2)))
        #expect(CursorStatement("FETCH SIDEWAYS 2 FROM c") == nil)
        #expect(CursorStatement("FETCH ABSOLUTE FROM c") == nil)
    }
}
