import RivuletCore
import RivuletPlanner
import RivuletRuntime
import Testing

@Suite struct GroupAggregateTests {
    static let fields = [Field("k", .varchar), Field("v", .bigint)]
    static let aggregates = [
        countStar,
        AggregateCall(kind: .min, argument: columnRef(1, .bigint), type: .bigint),
        AggregateCall(kind: .max, argument: columnRef(1, .bigint), type: .bigint),
        AggregateCall(kind: .count, argument: columnRef(1, .bigint), distinct: true, type: .bigint),
        AggregateCall(kind: .sum, argument: columnRef(1, .bigint), type: .bigint),
    ]

    func run(_ changes: [(RowKind, String?, Int64?)], batchSize: Int) throws -> OperatorRun {
        let input = scanPlan(Self.fields, timeColumn: nil, changelog: true)
        let schema = Schema([Self.fields[0]] + Self.aggregates.enumerated().map { Field("a\($0.offset)", $0.element.type) })
        let op = try GroupAggregate(StreamPlan.GroupAggregate(input: input, keys: [0], aggregates: Self.aggregates, schema: schema))
        let rows: [[Value]] = changes.map { [$0.1.map(Value.string) ?? .null, $0.2.map(Value.int) ?? .null] }
        var run = OperatorRun()
        var start = 0
        while start < rows.count {
            let end = min(rows.count, start + batchSize)
            var batch = RowBatch(types: Self.fields.map(\.type))
            for i in start..<end { batch.appendRow(rows[i], kind: changes[i].0) }
            var out = Collector()
            try op.process(batch, port: 0, into: &out)
            for b in out.drain() { run.lines += render(b, types: schema.types) }
            start = end
        }
        run.stateSizeAtEnd = op.stateSize
        return run
    }

    static let changes: [(RowKind, String?, Int64?)] = [
        (.insert, "a", 5),
        (.insert, "a", 9),
        (.insert, "a", 5),
        (.delete, "a", 9),  // retracts the current MAX
        (.delete, "a", 5),  // one 5 remains: MIN and COUNT DISTINCT stay
        (.insert, nil, 3),
        (.insert, "a", nil),
        (.delete, "a", 5),
        (.delete, "a", nil),
    ]

    @Test func perRowChangelogWithRetractionsOfTheExtremes() throws {
        let result = try run(Self.changes, batchSize: 1)
        #expect(result.lines == [
            "+I a,1,5,5,1,5",
            "-U a,1,5,5,1,5", "+U a,2,5,9,2,14",
            "-U a,2,5,9,2,14", "+U a,3,5,9,2,19",
            "-U a,3,5,9,2,19", "+U a,2,5,5,1,10",
            "-U a,2,5,5,1,10", "+U a,1,5,5,1,5",
            "+I NULL,1,3,3,1,3",
            "-U a,1,5,5,1,5", "+U a,2,5,5,1,5",
            "-U a,2,5,5,1,5", "+U a,1,NULL,NULL,0,NULL",
            "-D a,1,NULL,NULL,0,NULL",
        ])
        #expect(result.stateSizeAtEnd == 1)
    }

    @Test func theChangelogDoesNotDependOnTheBatchSize() throws {
        let perRow = try run(Self.changes, batchSize: 1)
        for batchSize in [2, 3, 5, 100] {
            let batched = try run(Self.changes, batchSize: batchSize)
            #expect(batched.lines == perRow.lines, "batch size \(batchSize)")
        }
    }

    @Test func retractingTheMinimumFallsBackToTheNextValue() throws {
        let result = try run([(.insert, "b", 1), (.insert, "b", 2), (.updateBefore, "b", 1), (.updateAfter, "b", 4)], batchSize: 1)
        #expect(result.lines.suffix(4) == ["-U b,2,1,2,2,3", "+U b,1,2,2,1,2", "-U b,1,2,2,1,2", "+U b,2,2,4,2,6"])
    }
}
