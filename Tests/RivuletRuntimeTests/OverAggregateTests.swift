import RivuletCore
import RivuletPlanner
import RivuletRuntime
import Testing

@Suite struct OverAggregateTests {
    static let fields = [Field("k", .bigint), Field("ts", .timestamp3), Field("v", .bigint)]
    static let outTypes: [SQLType] = [.bigint, .bigint, .bigint, .bigint]
    static let sumV = AggregateCall(kind: .sum, argument: columnRef(2, .bigint), type: .bigint)

    // (key, ts, v) with a 2 ms delay: (1, 1, 99) arrives under watermark 3. The expected rows
    // are Flink's (the same rows 10 s later, through Flink 2.3): a ROWS frame takes the row,
    // key 1 having emitted only its row at 0; a RANGE frame of 1 ms does not, its superseded
    // clean-up timer at 2 having fired, as in Flink.
    static let rows: [[Value]] = [
        [.int(1), .timestamp(0), .int(10)],
        [.int(2), .timestamp(2), .int(5)],
        [.int(1), .timestamp(5), .int(20)],
        [.int(1), .timestamp(4), .int(30)],
        [.int(1), .timestamp(5), .int(40)],
        [.int(1), .timestamp(1), .int(99)],
        [.int(1), .timestamp(12), .int(50)],
    ]

    func run(_ frame: StreamPlan.OverAggregate.Frame, batchSize: Int) throws -> OperatorRun {
        let plan = StreamPlan.OverAggregate(
            input: scanPlan(Self.fields, timeColumn: 1, delay: 2), partitionKeys: [0], timeColumn: 1, frame: frame,
            aggregates: [Self.sumV])
        return try runOperator(
            OverAggregate(plan), rows: Self.rows, types: Self.fields.map(\.type), outputTypes: Self.outTypes,
            timeColumn: 1, delay: 2, batchSize: batchSize)
    }

    @Test(arguments: [1, 3, 100])
    func rowsFrameTakesEachRowWithThePrecedingOnesInEventTimeOrder(batchSize: Int) throws {
        let result = try run(.rows(preceding: 1), batchSize: batchSize)
        #expect(result.lines == [
            "+I 1,0,10,10",
            "+I 2,2,5,5",
            "+I 1,1,99,109",  // behind the watermark, emitted at its next advance
            "+I 1,4,30,129",
            "+I 1,5,20,50",  // equal times in arrival order: 20 before 40
            "+I 1,5,40,60",
            "+I 1,12,50,90",
        ])
        #expect(result.lateRows == 0)
        // Only the frames are kept: two rows of key 1, one of key 2.
        #expect(result.stateSizeAtEnd == 3)
    }

    @Test(arguments: [1, 3, 100])
    func rangeFrameGivesRowsOfEqualTimeOneResult(batchSize: Int) throws {
        let result = try run(.range(precedingMillis: 1), batchSize: batchSize)
        #expect(result.lines == [
            "+I 1,0,10,10",
            "+I 2,2,5,5",
            "+I 1,4,30,30",
            "+I 1,5,20,90",
            "+I 1,5,40,90",
            "+I 1,12,50,50",
        ])
        #expect(result.lateRows == 1)
        // Rows no later row's frame can reach are let go, and their partitions with them.
        #expect(result.stateSizeAtEnd == 0)
    }

    @Test(arguments: [1, 100])
    func unboundedFramesKeepNoRows(batchSize: Int) throws {
        let range = try run(.range(precedingMillis: nil), batchSize: batchSize)
        #expect(range.lines == ["+I 1,0,10,10", "+I 2,2,5,5", "+I 1,4,30,40", "+I 1,5,20,100", "+I 1,5,40,100", "+I 1,12,50,150"])
        #expect(range.stateSizeAtEnd == 0)
        let rows = try run(.rows(preceding: nil), batchSize: batchSize)
        #expect(rows.lines == ["+I 1,0,10,10", "+I 2,2,5,5", "+I 1,4,30,40", "+I 1,5,20,60", "+I 1,5,40,100", "+I 1,12,50,150"])
    }

    @Test func aChangelogInputIsRefused() throws {
        let plan = StreamPlan.OverAggregate(
            input: scanPlan(Self.fields, timeColumn: 1, changelog: true), partitionKeys: [0], timeColumn: 1,
            frame: .rows(preceding: nil), aggregates: [Self.sumV])
        #expect(throws: SQLError.self) { try OverAggregate(plan) }
    }
}
