import RivuletCore
import RivuletPlanner
import RivuletRuntime
import RivuletSQL
import Testing

/// A window aggregate's `window_time` stays an event-time attribute, as in Flink: the planner
/// passes it through aliases, subqueries and views, and a later window over it closes on the
/// watermark the window aggregate forwards after emitting.
@Suite struct WindowTimeAttributeTests {
    static let fields = [Field("user_id", .bigint), Field("amount", .bigint), Field("ts", .timestamp3)]

    struct TestCatalog: Catalog {
        var views: [String: Query] = [:]
        let clicks = Relation(
            name: "clicks", kind: .stream, schema: Schema(WindowTimeAttributeTests.fields),
            connector: ConnectorSpec(connector: "memory", options: [:]), watermark: WatermarkSpec(column: 2, delayMillis: 1_000),
            primaryKey: [])
        func relation(named name: String) -> Relation? { name.lowercased() == "clicks" ? clicks : nil }
        func view(named name: String) -> Query? { views[name.lowercased()] }
        var relationNames: [String] { ["clicks"] + views.keys }
    }

    static func query(_ sql: String) throws -> Query {
        guard case .query(let query) = try parseScript(sql).first?.statement else { throw SQLError.internal("not a query") }
        return query
    }

    static func plan(_ sql: String, views: [String: String] = [:]) throws -> StreamPlan {
        var catalog = TestCatalog()
        for (name, text) in views { catalog.views[name] = try query(text) }
        return try QueryBinder(catalog: catalog).bind(query(sql)).plan
    }

    static let tumbled = """
        SELECT user_id, window_start AS ws, window_end AS we, window_time AS wt, SUM(amount) AS s
          FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '5' SECOND))
          GROUP BY user_id, window_start, window_end, window_time
        """

    @Test func windowTimeOfAWindowAggregateIsTheEventTimeColumn() throws {
        #expect(try Self.plan(Self.tumbled).eventTimeColumn == 3)
        // The group-window spelling's TUMBLE_ROWTIME is the same column.
        let grouped = try Self.plan("""
            SELECT user_id, SUM(amount) AS s, TUMBLE_ROWTIME(ts, INTERVAL '5' SECOND) AS rt
              FROM clicks GROUP BY TUMBLE(ts, INTERVAL '5' SECOND), user_id
            """)
        #expect(grouped.eventTimeColumn == 2)
    }

    @Test func windowTimePassesThroughSubqueriesAndViews() throws {
        let subquery = try Self.plan("SELECT s, wt FROM (\(Self.tumbled)) AS t WHERE s > 3")
        #expect(subquery.eventTimeColumn == 1)
        let view = try Self.plan("SELECT wt AS at_time FROM tumbled", views: ["tumbled": Self.tumbled])
        #expect(view.eventTimeColumn == 0)
    }

    @Test func onlyAWindowAggregationKeepsItsTimeAttribute() throws {
        // Without window_start and window_end in GROUP BY it is a regular aggregation in Flink.
        let byTimeOnly = try Self.plan("""
            SELECT window_time AS wt, SUM(amount) AS s
              FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '5' SECOND)) GROUP BY window_time
            """)
        #expect(byTimeOnly.eventTimeColumn == nil)
        #expect(try Self.plan("SELECT user_id, MAX(ts) AS last_ts FROM clicks GROUP BY user_id").eventTimeColumn == nil)
        // window_end and an expression over window_time are plain timestamps.
        #expect(try Self.plan("SELECT we, s FROM tumbled", views: ["tumbled": Self.tumbled]).eventTimeColumn == nil)
        #expect(try Self.plan("SELECT wt + INTERVAL '1' SECOND AS later FROM tumbled", views: ["tumbled": Self.tumbled]).eventTimeColumn == nil)
    }

    @Test func aWindowOverWindowEndIsRefusedAtTheDescriptor() throws {
        let sql = "SELECT window_start, SUM(s) FROM TABLE(TUMBLE(TABLE tumbled, DESCRIPTOR(we), INTERVAL '10' SECOND)) GROUP BY window_start, window_end"
        let error = #expect(throws: SQLError.self) { try Self.plan(sql, views: ["tumbled": Self.tumbled]) }
        #expect(error?.state == .datatypeMismatch)
        #expect(error?.message.contains("'we' is not a time attribute") == true)
        #expect(error?.span?.start.column == 1 + sql.distance(from: sql.startIndex, to: sql.range(of: "we)")!.lowerBound))
    }

    /// 5-second sums per user, then 10-second sums of those over their window_time.
    static let cascade = """
        SELECT window_start, window_end, SUM(s) AS total, COUNT(*) AS parts
          FROM TABLE(TUMBLE(TABLE tumbled, DESCRIPTOR(wt), INTERVAL '10' SECOND))
          GROUP BY window_start, window_end
        """

    static func at(_ second: Int64) -> Value { .timestamp(second * 1_000) }

    @Test(arguments: [1, 3, 8192])
    func aCascadeLosesNoWindowOfTheFirstAggregate(batchSize: Int) throws {
        let plan = try Self.plan(Self.cascade, views: ["tumbled": Self.tumbled])
        // 12 after 8 moves the watermark to 11: the 5-second windows [0, 5) and [5, 10) close and
        // their rows (times 4.999 and 9.999) join [0, 10) before it closes; 2 is late for [0, 5).
        let rows: [[Value]] = [
            [.int(1), .int(1), Self.at(1)], [.int(2), .int(2), Self.at(3)], [.int(1), .int(4), Self.at(8)],
            [.int(2), .int(8), Self.at(12)], [.int(1), .int(16), Self.at(2)], [.int(1), .int(32), Self.at(19)],
        ]
        let sink = MemorySink(types: plan.schema.types)
        let pipeline = try QueryPipeline(
            plan: plan, openSource: { _ in MemorySource(types: Self.fields.map(\.type), rows: rows) }, sink: sink, batchSize: batchSize)
        let metrics = try pipeline.runToEnd()
        #expect(sink.lines == [
            "+I 1970-01-01 00:00:00.000,1970-01-01 00:00:10.000,7,3",
            "+I 1970-01-01 00:00:10.000,1970-01-01 00:00:20.000,40,2",
        ])
        #expect(metrics.lateRows == 1)
    }
}
