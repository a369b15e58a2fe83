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

    /// ksqlDB's foreign-key join of two keyed tables: orders(id, customer, time) to
    /// customers(id, name, time) on `customer`.
    static func ksqlTableJoin(_ kind: StreamPlan.Join.Kind) throws -> RegularJoin {
        let orders = [Field("id", .bigint), Field("customer", .bigint), Field("time", .bigint)]
        let customers = [Field("id", .bigint), Field("name", .varchar), Field("time", .bigint)]
        var plan = StreamPlan.Join(
            left: namedScan("orders", orders, timeColumn: nil, primaryKey: [0]), right: namedScan("customers", customers, timeColumn: nil, primaryKey: [0]),
            kind: kind, strategy: .regular, leftKeys: [1], rightKeys: [0], residual: nil)
        plan.changeTimeColumns = (left: 2, right: 2)
        plan.emitsEveryLeftDelete = true
        return try RegularJoin(plan)
    }

    static func change(_ values: [Value], _ kind: RowKind = .insert, types: [SQLType]) -> RowBatch {
        var batch = RowBatch(types: types)
        batch.appendRow(values, kind: kind)
        return batch
    }

    @Test func aKsqlTableJoinStampsEveryResultWithTheTimeOfItsChange() throws {
        let join = try Self.ksqlTableJoin(.left)
        let orderTypes: [SQLType] = [.bigint, .bigint, .bigint], customerTypes: [SQLType] = [.bigint, .varchar, .bigint]
        var out = Collector()
        try join.process(Self.change([.int(1), .int(7), .int(100)], types: orderTypes), port: 0, into: &out)
        try join.process(Self.change([.int(7), .string("ann"), .int(200)], types: customerTypes), port: 1, into: &out)
        // An update arrives as -U then +U: the join replaces the row by key and keeps only what changed.
        var update = Self.change([.int(7), .string("ann"), .int(200)], .updateBefore, types: customerTypes)
        update.appendRow([.int(7), .string("bea"), .int(300)], kind: .updateAfter)
        try join.process(update, port: 1, into: &out)
        // A tombstone carries only its key and its own time.
        try join.process(Self.change([.int(7), .null, .int(400)], .delete, types: customerTypes), port: 1, into: &out)
        let lines = out.drain().flatMap { render($0, types: orderTypes + customerTypes) }
        #expect(lines == [
            "+I 1,7,100,NULL,NULL,NULL",
            "-D 1,7,200,NULL,NULL,NULL", "+I 1,7,200,7,ann,200",
            "-D 1,7,300,7,ann,300", "+I 1,7,300,7,bea,300",
            "-D 1,7,400,7,bea,400", "+I 1,7,400,NULL,NULL,NULL",
        ])
    }

    @Test func aKsqlForeignKeyJoinDeletesALeftRowsResultEvenWithoutAMatch() throws {
        let join = try Self.ksqlTableJoin(.inner)
        let orderTypes: [SQLType] = [.bigint, .bigint, .bigint], customerTypes: [SQLType] = [.bigint, .varchar, .bigint]
        var out = Collector()
        try join.process(Self.change([.int(1), .int(7), .int(100)], types: orderTypes), port: 0, into: &out)
        try join.process(Self.change([.int(1), .null, .int(500)], .delete, types: orderTypes), port: 0, into: &out)
        // A tombstone for a key never seen deletes nothing.
        try join.process(Self.change([.int(2), .null, .int(600)], .delete, types: orderTypes), port: 0, into: &out)
        let lines = out.drain().flatMap { render($0, types: orderTypes + customerTypes) }
        #expect(lines == ["-D 1,7,500,NULL,NULL,NULL"])
    }
}

