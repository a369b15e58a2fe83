import RivuletCore
import RivuletPlanner
import RivuletRuntime
import Testing

@Suite struct TopNTests {
    static let fields = [Field("cat", .varchar), Field("item", .varchar), Field("amt", .bigint)]

    static func plan(limit: Int, emitsRank: Bool) -> StreamPlan.TopN {
        StreamPlan.TopN(
            input: namedScan("sales", fields, timeColumn: nil), partitionKeys: [0],
            sortKeys: [.init(column: 2, ascending: false)], limit: limit, emitsRank: emitsRank)
    }

    static let rows: [[Value]] = [
        [.string("a"), .string("x"), .int(10)], [.string("a"), .string("y"), .int(30)],
        [.string("a"), .string("w"), .int(20)], [.string("a"), .string("v"), .int(30)],
    ]

    @Test func updatesEveryPositionWhoseRowChanges() throws {
        let run = try runPlan(.topN(Self.plan(limit: 2, emitsRank: true)), rows: ["sales": Self.rows], batchSize: 3)
        #expect(run.lines == [
            "+I a,x,10,1", "-U a,x,10,1", "+U a,y,30,1", "+I a,x,10,2",
            "-U a,x,10,2", "+U a,w,20,2", "-U a,w,20,2", "+U a,v,30,2",
        ])
        // Over an append-only input only the top rows are kept.
        #expect(run.metrics.stateSize == 2)
    }

    @Test func withoutTheRankOnlyEntriesAndExitsAreEmitted() throws {
        let run = try runPlan(.topN(Self.plan(limit: 2, emitsRank: false)), rows: ["sales": Self.rows], batchSize: 1)
        #expect(run.lines == ["+I a,x,10", "+I a,y,30", "-D a,x,10", "+I a,w,20", "-D a,w,20", "+I a,v,30"])
    }

    @Test func aRetractionPromotesTheNextRowOfAChangelog() throws {
        let input = namedScan("sales", Self.fields, timeColumn: nil, primaryKey: [1])
        let topN = try TopN(StreamPlan.TopN(
            input: input, partitionKeys: [0], sortKeys: [.init(column: 2, ascending: false)], limit: 1, emitsRank: false))
        var batch = RowBatch(types: [.varchar, .varchar, .bigint])
        batch.appendRow([.string("a"), .string("x"), .int(10)])
        batch.appendRow([.string("a"), .string("y"), .int(30)])
        batch.appendRow([.string("a"), .string("y"), .int(30)], kind: .delete)
        var out = Collector()
        try topN.process(batch, port: 0, into: &out)
        let lines = out.drain().flatMap { render($0, types: [.varchar, .varchar, .bigint]) }
        #expect(lines == ["+I a,x,10", "-D a,x,10", "+I a,y,30", "-D a,y,30", "+I a,x,10"])
    }

    @Test func deduplicateKeepsTheLastRowByTime() throws {
        let fields = [Field("k", .varchar), Field("v", .bigint), Field("ts", .bigint)]
        let plan = StreamPlan.TopN(
            input: namedScan("ev", fields, timeColumn: 2), partitionKeys: [0], sortKeys: [.init(column: 2, ascending: false)],
            limit: 1, emitsRank: false)
        let rows: [[Value]] = [
            [.string("a"), .int(1), .int(0)], [.string("a"), .int(3), .int(2)], [.string("a"), .int(4), .int(1)],
        ]
        let run = try runPlan(.topN(plan), rows: ["ev": rows], batchSize: 2)
        #expect(run.lines == ["+I a,1,0", "-U a,1,0", "+U a,3,2"])
        #expect(run.metrics.stateSize == 1)
    }
}
