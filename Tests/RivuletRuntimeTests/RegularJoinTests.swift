import RivuletCore
import RivuletPlanner
import RivuletRuntime
import Testing

@Suite struct RegularJoinTests {
    static let clicks = [Field("uid", .bigint), Field("page", .varchar)]
    static let users = [Field("uid", .bigint), Field("name", .varchar)]

    static func plan(_ kind: StreamPlan.Join.Kind, ttl: Int64? = nil) -> StreamPlan {
        .join(.init(
            left: namedScan("clicks", clicks, timeColumn: nil), right: namedScan("users", users, timeColumn: nil), kind: kind,
            strategy: .regular, leftKeys: [0], rightKeys: [0], residual: nil, stateTTLMillis: ttl))
    }

    static let rows: [String: [[Value]]] = [
        "clicks": [[.int(1), .string("home")], [.int(2), .string("cart")], [.int(1), .string("buy")], [.int(3), .string("home")]],
        "users": [[.int(1), .string("ann")], [.int(4), .string("dan")]],
    ]

    @Test(arguments: [1, 2, 100])
    func leftJoinRetractsPaddedRowsWhenAMatchArrives(batchSize: Int) throws {
        let run = try runPlan(Self.plan(.left), rows: Self.rows, batchSize: batchSize)
        #expect(run.lines == [
            "+I 1,home,NULL,NULL", "+I 2,cart,NULL,NULL", "+I 1,buy,NULL,NULL", "+I 3,home,NULL,NULL",
            "-D 1,home,NULL,NULL", "+I 1,home,1,ann", "-D 1,buy,NULL,NULL", "+I 1,buy,1,ann",
        ])
        #expect(run.metrics.stateSize == 6)
    }

    @Test func fullJoinKeepsUnmatchedRowsOfBothSides() throws {
        let run = try runPlan(Self.plan(.full), rows: Self.rows, batchSize: 3)
        var live: [String] = []
        for line in run.lines {
            let row = String(line.dropFirst(3))
            if line.hasPrefix("+I") { live.append(row) } else { live.remove(at: live.firstIndex(of: row)!) }
        }
        #expect(live.sorted() == ["1,buy,1,ann", "1,home,1,ann", "2,cart,NULL,NULL", "3,home,NULL,NULL", "NULL,NULL,4,dan"])
    }

    @Test func aRetractionOnOneSideRemovesItsJoinedRows() throws {
        let join = try RegularJoin(.init(
            left: namedScan("clicks", Self.clicks, timeColumn: nil), right: namedScan("users", Self.users, timeColumn: nil),
            kind: .left, strategy: .regular, leftKeys: [0], rightKeys: [0], residual: nil))
        var out = Collector()
        var click = RowBatch(types: [.bigint, .varchar])
        click.appendRow([.int(1), .string("home")])
        try join.process(click, port: 0, into: &out)
        var user = RowBatch(types: [.bigint, .varchar])
        user.appendRow([.int(1), .string("ann")])
        try join.process(user, port: 1, into: &out)
        var gone = RowBatch(types: [.bigint, .varchar])
        gone.appendRow([.int(1), .string("ann")], kind: .delete)
        try join.process(gone, port: 1, into: &out)
        let lines = out.drain().flatMap { render($0, types: [.bigint, .varchar, .bigint, .varchar]) }
        #expect(lines == ["+I 1,home,NULL,NULL", "-D 1,home,NULL,NULL", "+I 1,home,1,ann", "-D 1,home,1,ann", "+I 1,home,NULL,NULL"])
        #expect(join.stateSize == 1)
    }
}
