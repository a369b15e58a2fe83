import RivuletCore
import RivuletPlanner
import RivuletRuntime
import Testing

@Suite struct VarianceAccumulatorTests {
    static let fields = [Field("k", .varchar), Field("v", .double)]

    func finalRows(_ statistic: AggregateCall.Statistic, _ changes: [(RowKind, Double)]) throws -> [String] {
        let aggregate = AggregateCall(kind: .statistic(statistic), argument: columnRef(1, .double), type: .double)
        let input = scanPlan(Self.fields, timeColumn: nil, changelog: true)
        let schema = Schema([Self.fields[0], Field("s", .double)])
        let op = try GroupAggregate(StreamPlan.GroupAggregate(input: input, keys: [0], aggregates: [aggregate], schema: schema))
        var batch = RowBatch(types: Self.fields.map(\.type))
        for (kind, value) in changes { batch.appendRow([.string("a"), .double(value)], kind: kind) }
        var out = Collector()
        try op.process(batch, port: 0, into: &out)
        return out.drain().flatMap { render($0, types: schema.types) }
    }

    @Test func aRetractionUndoesItsRow() throws {
        let added = try finalRows(.populationVariance, [(.insert, 2.5), (.insert, 3.5), (.insert, 0.25)])
        let retracted = try finalRows(.populationVariance, [(.insert, 2.5), (.insert, 9), (.insert, 3.5), (.delete, 9), (.insert, 0.25)])
        #expect(added.last == retracted.last)
        #expect(added.last?.hasSuffix("1.8472222222222223") == true)
    }

    @Test func aSampleOfOneValueHasNoVariance() throws {
        let rows = try finalRows(.sampleDeviation, [(.insert, 4), (.insert, 6), (.delete, 6)])
        #expect(rows.last?.hasSuffix("NULL") == true)
    }
}
