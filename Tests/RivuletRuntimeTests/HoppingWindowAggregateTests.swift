import RivuletCore
import RivuletPlanner
import RivuletRuntime
import Testing

@Suite struct HoppingWindowAggregateTests {
    static let fields = [Field("ts", .timestamp3), Field("v", .bigint)]
    static let sumV = AggregateCall(kind: .sum, argument: columnRef(1, .bigint), type: .bigint)

    @Test(arguments: [1, 3, 100])
    func hopDropsARowOnlyFromItsClosedWindows(batchSize: Int) throws {
        let plan = windowPlan(
            input: scanPlan(Self.fields, timeColumn: 0), kind: .hop(size: 10, slide: 5, offset: 0), timeColumn: 0,
            keys: [], aggregates: [countStar, Self.sumV])
        // ts 6 arrives at watermark 12: [0, 10) has closed but [5, 15) is open. ts 3 joins nothing.
        let rows: [[Value]] = [(1, 1), (7, 2), (12, 3), (6, 4), (3, 5)].map { [.timestamp($0.0), .int($0.1)] }
        let result = try runOperator(
            HoppingWindowAggregate(plan), rows: rows, types: Self.fields.map(\.type),
            outputTypes: [.bigint, .bigint, .bigint, .bigint], timeColumn: 0, delay: 0, batchSize: batchSize)
        #expect(result.lines == ["+I -5,5,1,1", "+I 0,10,2,3", "+I 5,15,3,9", "+I 10,20,1,3"])
        #expect(result.lateRows == 1)
        #expect(result.stateSizeAtEnd == 0)
    }

    @Test(arguments: [1, 3, 100])
    func cumulateGrowsWindowsWithinEachPeriod(batchSize: Int) throws {
        let plan = windowPlan(
            input: scanPlan(Self.fields, timeColumn: 0), kind: .cumulate(step: 5, size: 15, offset: 0), timeColumn: 0,
            keys: [], aggregates: [countStar])
        let rows: [[Value]] = [1, 6, 12, 16, 3].map { [.timestamp($0), .int(0)] }
        let result = try runOperator(
            HoppingWindowAggregate(plan), rows: rows, types: Self.fields.map(\.type),
            outputTypes: [.bigint, .bigint, .bigint], timeColumn: 0, delay: 0, batchSize: batchSize)
        #expect(result.lines == [
            "+I 0,5,1", "+I 0,10,2", "+I 0,15,3", "+I 15,20,1", "+I 15,25,1", "+I 15,30,1",
        ])
        #expect(result.lateRows == 1)
    }

    @Test func hopEmitChangesUpdatesEveryWindowOfTheRow() throws {
        let plan = windowPlan(
            input: scanPlan(Self.fields, timeColumn: 0), kind: .hop(size: 10, slide: 5, offset: 0), timeColumn: 0,
            keys: [], aggregates: [Self.sumV], emit: .changes)
        let rows: [[Value]] = [[.timestamp(6), .int(1)], [.timestamp(8), .int(2)]]
        let result = try runOperator(
            HoppingWindowAggregate(plan), rows: rows, types: Self.fields.map(\.type),
            outputTypes: [.bigint, .bigint, .bigint], timeColumn: 0, delay: 100, batchSize: 2)
        #expect(result.lines == [
            "+I 0,10,1", "+I 5,15,1",
            "-U 0,10,1", "+U 0,10,3", "-U 5,15,1", "+U 5,15,3",
        ])
    }

    @Test func cumulateRejectsASizeThatIsNotAMultipleOfTheStep() {
        let plan = windowPlan(
            input: scanPlan(Self.fields, timeColumn: 0), kind: .cumulate(step: 4, size: 10, offset: 0), timeColumn: 0,
            keys: [], aggregates: [countStar])
        #expect(throws: SQLError.self) { try HoppingWindowAggregate(plan) }
    }
}
