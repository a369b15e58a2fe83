import RivuletCore
import RivuletPlanner
import RivuletRuntime
import Testing

@Suite struct SessionWindowAggregateTests {
    static let fields = [Field("k", .bigint), Field("ts", .timestamp3), Field("v", .bigint)]
    static let sumV = AggregateCall(kind: .sum, argument: columnRef(2, .bigint), type: .bigint)

    func run(
        _ rows: [(Int64, Int64, Int64)], dialect: WindowSpec.Dialect = .flink, emit: StreamPlan.WindowAggregate.Emit = .final,
        aggregates: [AggregateCall], delay: Int64, grace: Int64 = 0, batchSize: Int
    ) throws -> OperatorRun {
        let plan = windowPlan(
            input: scanPlan(Self.fields, timeColumn: 1, delay: delay), kind: .session(gap: 10), timeColumn: 1,
            keys: [0], aggregates: aggregates, emit: emit, grace: grace, dialect: dialect)
        return try runOperator(
            SessionWindowAggregate(plan), rows: rows.map { [.int($0.0), .timestamp($0.1), .int($0.2)] },
            types: Self.fields.map(\.type), outputTypes: [.bigint, .bigint, .bigint] + aggregates.map(\.type),
            timeColumn: 1, delay: delay, batchSize: batchSize)
    }

    // Rows exactly `gap` apart share a session; ts 20 bridges [0..10] and [30..30].
    static let mergeRows: [(Int64, Int64, Int64)] = [(1, 0, 1), (1, 10, 2), (1, 30, 3), (2, 5, 4), (1, 20, 5), (1, 41, 6)]

    @Test(arguments: [1, 3, 100])
    func flinkSessionsMergeAndEndAtLastRowPlusGap(batchSize: Int) throws {
        let result = try run(Self.mergeRows, aggregates: [countStar, Self.sumV], delay: 100, batchSize: batchSize)
        #expect(result.lines == ["+I 2,5,15,1,4", "+I 1,0,40,4,11", "+I 1,41,51,1,6"])
        #expect(result.lateRows == 0)
        #expect(result.stateSizeAtEnd == 0)
    }

    @Test func ksqlSessionsEndAtTheLastRow() throws {
        let result = try run(Self.mergeRows, dialect: .ksql, aggregates: [countStar, Self.sumV], delay: 100, batchSize: 2)
        #expect(result.lines == ["+I 2,5,5,1,4", "+I 1,0,30,4,11", "+I 1,41,41,1,6"])
    }

    @Test(arguments: [1, 2, 100])
    func closedSessionsSplitFromLateRowsAndLateRowsAreCounted(batchSize: Int) throws {
        // ts 5 arrives at watermark 25: [0, 10) has closed and its own session [5, 15) would be
        // closed too. ts 18 reaches back into the open session [25, 35), which grows to start 18.
        let result = try run([(1, 0, 0), (1, 25, 0), (1, 5, 0), (1, 18, 0)], aggregates: [countStar], delay: 0, batchSize: batchSize)
        #expect(result.lines == ["+I 1,0,10,1", "+I 1,18,35,2"])
        #expect(result.lateRows == 1)
    }

    @Test func graceKeepsASessionOpenForLateRows() throws {
        let result = try run([(1, 0, 0), (1, 25, 0), (1, 5, 0)], aggregates: [countStar], delay: 0, grace: 20, batchSize: 1)
        // With 20 ms grace [0, 10) closes at watermark 29, so ts 5 still joins it.
        #expect(result.lines == ["+I 1,0,15,2", "+I 1,25,35,1"])
        #expect(result.lateRows == 0)
    }

    @Test(arguments: [1, 100])
    func ksqlEmitChangesRetractsSessionsThatGrowOrMerge(batchSize: Int) throws {
        let rows: [(Int64, Int64, Int64)] = [(1, 0, 0), (1, 5, 0), (1, 5, 0), (1, 30, 0), (1, 20, 0), (1, 12, 0)]
        let result = try run(rows, dialect: .ksql, emit: .changes, aggregates: [countStar], delay: 100, batchSize: batchSize)
        #expect(result.lines == [
            "+I 1,0,0,1",
            "-D 1,0,0,1", "+I 1,0,5,2",
            "-U 1,0,5,2", "+U 1,0,5,3",
            "+I 1,30,30,1",
            "-D 1,30,30,1", "+I 1,20,30,2",
            "-D 1,0,5,3", "-D 1,20,30,2", "+I 1,0,30,6",
        ])
        #expect(result.stateSizeAtEnd == 0)
    }
}
