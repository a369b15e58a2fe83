import RivuletCore
import RivuletPlanner
import RivuletRuntime
import Testing

@Suite struct TumblingWindowAggregateTests {
    static let fields = [Field("k", .bigint), Field("ts", .timestamp3), Field("v", .bigint)]
    static let sumV = AggregateCall(kind: .sum, argument: columnRef(2, .bigint), type: .bigint)
    static let outTypes: [SQLType] = [.bigint, .bigint, .bigint, .bigint, .bigint]

    // (key, ts, v); with a 2 ms delay rows 3 and 5 arrive after [0, 10) has closed.
    static let rows: [[Value]] = [
        [.int(1), .timestamp(1), .int(10)],
        [.int(1), .timestamp(12), .int(20)],
        [.int(1), .timestamp(5), .int(30)],
        [.int(2), .timestamp(10), .int(40)],
        [.int(1), .timestamp(9), .int(50)],
        [.int(1), .timestamp(20), .int(60)],
        [.int(2), .timestamp(19), .int(70)],
        [.int(1), .timestamp(31), .int(80)],
    ]

    func run(grace: Int64 = 0, emit: StreamPlan.WindowAggregate.Emit = .final, rows: [[Value]] = rows, batchSize: Int) throws -> OperatorRun {
        let plan = windowPlan(
            input: scanPlan(Self.fields, timeColumn: 1, delay: 2), kind: .tumble(size: 10, offset: 0), timeColumn: 1,
            keys: [0], aggregates: [countStar, Self.sumV], emit: emit, grace: grace)
        return try runOperator(
            TumblingWindowAggregate(plan), rows: rows, types: Self.fields.map(\.type), outputTypes: Self.outTypes,
            timeColumn: 1, delay: 2, batchSize: batchSize)
    }

    @Test(arguments: [1, 3, 100])
    func lateRowsAreDroppedAndCountedWhateverTheBatchSize(batchSize: Int) throws {
        let result = try run(batchSize: batchSize)
        #expect(result.lines == [
            "+I 1,0,10,1,10",
            "+I 1,10,20,1,20",
            "+I 2,10,20,2,110",  // ts 10 opens [10, 20), not [0, 10)
            "+I 1,20,30,1,60",
            "+I 1,30,40,1,80",
        ])
        #expect(result.lateRows == 2)
        #expect(result.stateSizeAtEnd == 0)
    }

    @Test(arguments: [1, 3, 100])
    func gracePeriodKeepsWindowsOpenLonger(batchSize: Int) throws {
        let result = try run(grace: 5, batchSize: batchSize)
        #expect(result.lines == [
            "+I 1,0,10,3,90",
            "+I 1,10,20,1,20",
            "+I 2,10,20,2,110",
            "+I 1,20,30,1,60",
            "+I 1,30,40,1,80",
        ])
        #expect(result.lateRows == 0)
    }

    @Test(arguments: [1, 2, 100])
    func emitChangesProducesAChangelogPerRow(batchSize: Int) throws {
        let rows: [[Value]] = [
            [.int(1), .timestamp(1), .int(10)],
            [.int(1), .timestamp(2), .int(20)],
            [.int(2), .timestamp(3), .int(5)],
            [.int(1), .timestamp(14), .int(1)],
            [.int(1), .timestamp(4), .int(7)],  // arrives at watermark 12: [0, 10) closed
        ]
        let result = try run(emit: .changes, rows: rows, batchSize: batchSize)
        #expect(result.lines == [
            "+I 1,0,10,1,10",
            "-U 1,0,10,1,10",
            "+U 1,0,10,2,30",
            "+I 2,0,10,1,5",
            "+I 1,10,20,1,1",
        ])
        #expect(result.lateRows == 1)
        #expect(result.stateSizeAtEnd == 0)
    }

    @Test func windowsAlignToTheEpochForNegativeTimesAndOffsets() throws {
        let fields = [Field("ts", .timestamp3)]
        let rows: [[Value]] = [-11, -10, -1, 0, 2, 3].map { [.timestamp($0)] }
        for (offset, expected) in [
            (Int64(0), ["+I -20,-10,1", "+I -10,0,2", "+I 0,10,3"]),
            (Int64(3), ["+I -17,-7,2", "+I -7,3,3", "+I 3,13,1"]),
        ] {
            let plan = windowPlan(
                input: scanPlan(fields, timeColumn: 0, delay: 100), kind: .tumble(size: 10, offset: offset),
                timeColumn: 0, keys: [], aggregates: [countStar])
            let result = try runOperator(
                TumblingWindowAggregate(plan), rows: rows, types: [.timestamp3], outputTypes: [.bigint, .bigint, .bigint],
                timeColumn: 0, delay: 100, batchSize: 2)
            #expect(result.lines == expected, "offset \(offset)")
        }
    }

    @Test func nullKeysFormTheirOwnGroupAndAggregatesSkipNulls() throws {
        let countV = AggregateCall(kind: .count, argument: columnRef(2, .bigint), type: .bigint)
        let plan = windowPlan(
            input: scanPlan(Self.fields, timeColumn: 1), kind: .tumble(size: 10, offset: 0), timeColumn: 1,
            keys: [0], aggregates: [countStar, countV, Self.sumV])
        let rows: [[Value]] = [
            [.null, .timestamp(1), .null],
            [.int(3), .timestamp(2), .null],
            [.null, .timestamp(3), .int(4)],
        ]
        let result = try runOperator(
            TumblingWindowAggregate(plan), rows: rows, types: Self.fields.map(\.type),
            outputTypes: [.bigint, .bigint, .bigint, .bigint, .bigint, .bigint], timeColumn: 1, delay: 0, batchSize: 10)
        #expect(result.lines == ["+I NULL,0,10,2,1,4", "+I 3,0,10,1,0,NULL"])
    }

    @Test func everyAggregateKindWithFilters() throws {
        let fields = [
            Field("ts", .timestamp3), Field("v", .bigint), Field("d", .double), Field("s", .varchar),
            Field("flag", .boolean), Field("price", .decimal(precision: 10, scale: 2)),
        ]
        let aggregates = [
            AggregateCall(kind: .avg, argument: columnRef(1, .bigint), type: .bigint),
            AggregateCall(kind: .avg, argument: columnRef(2, .double), type: .double),
            AggregateCall(kind: .min, argument: columnRef(3, .varchar), type: .varchar),
            AggregateCall(kind: .max, argument: columnRef(3, .varchar), type: .varchar),
            AggregateCall(kind: .countStar, argument: nil, filter: columnRef(4, .boolean), type: .bigint),
            AggregateCall(kind: .sum, argument: columnRef(1, .bigint), filter: columnRef(4, .boolean), type: .bigint),
            AggregateCall(kind: .approxQuantile(0.5), argument: columnRef(1, .bigint), type: .double),
            AggregateCall(kind: .count, argument: columnRef(3, .varchar), distinct: true, type: .bigint),
            AggregateCall(kind: .sum, argument: columnRef(5, .decimal(precision: 10, scale: 2)), type: .decimal(precision: 38, scale: 2)),
            AggregateCall(kind: .avg, argument: columnRef(5, .decimal(precision: 10, scale: 2)), type: .decimal(precision: 38, scale: 6)),
            AggregateCall(kind: .max, argument: columnRef(2, .double), type: .double),
            AggregateCall(kind: .min, argument: columnRef(0, .timestamp3), type: .timestamp3),
        ]
        let plan = windowPlan(
            input: scanPlan(fields, timeColumn: 0), kind: .tumble(size: 10, offset: 0), timeColumn: 0,
            keys: [], aggregates: aggregates)
        let rows: [[Value]] = [
            [.timestamp(1), .int(-7), .double(1.5), .string("pear"), .boolean(true), .decimal(unscaled: 100, scale: 2)],
            [.timestamp(2), .int(2), .double(2.0), .string("apple"), .boolean(false), .decimal(unscaled: 201, scale: 2)],
            [.timestamp(3), .null, .null, .string("zebra"), .null, .null],
            [.timestamp(4), .null, .null, .string("pear"), .null, .null],
        ]
        let result = try runOperator(
            TumblingWindowAggregate(plan), rows: rows, types: fields.map(\.type),
            outputTypes: [.bigint, .bigint] + aggregates.map(\.type), timeColumn: 0, delay: 0, batchSize: 10)
        // AVG(BIGINT) truncates toward zero: -5 / 2 = -2. The median of {-7, 2} by nearest rank is -7.
        #expect(result.lines == [
            "+I 0,10,-2,1.75,apple,zebra,1,-7,-7.0,3,3.01,1.505000,2.0,1970-01-01 00:00:00.001"
        ])
    }
}
