import RivuletCore
import RivuletPlanner
import RivuletRuntime
import Testing

@Suite struct UnionTests {
    static let fields = [Field("k", .bigint), Field("ts", .timestamp3)]

    static func union(_ inputs: Int) -> Union {
        Union(.init(
            inputs: (0..<inputs).map { namedScan("s\($0)", fields, timeColumn: 1) }, schema: Schema(fields)))
    }

    func batch(_ rows: [[Value]], kinds: [RowKind]? = nil, arrivals: [Int64]? = nil) -> RowBatch {
        var batch = RowBatch(types: Self.fields.map(\.type))
        for (i, row) in rows.enumerated() { batch.appendRow(row, kind: kinds?[i] ?? .insert) }
        batch.arrivalWatermarks = arrivals
        return batch
    }

    @Test func forwardsEveryRowAndChangeOfEachInput() throws {
        let op = Self.union(2)
        var output = Collector()
        try op.process(batch([[.int(1), .timestamp(1)]]), port: 0, into: &output)
        try op.process(batch([[.int(2), .timestamp(2)], [.int(2), .timestamp(3)]], kinds: [.updateBefore, .updateAfter]), port: 1, into: &output)
        let lines = output.drain().flatMap { render($0, types: [.bigint, .bigint]) }
        #expect(lines == ["+I 1,1", "-U 2,2", "+U 2,3"])
    }

    @Test func theWatermarkIsTheSmallestOfAllInputs() throws {
        let op = Self.union(3)
        var output = Collector()
        #expect(try op.watermarkAdvanced(to: 10, port: 0, into: &output) == nil)
        #expect(try op.watermarkAdvanced(to: 20, port: 2, into: &output) == nil)
        #expect(try op.watermarkAdvanced(to: 5, port: 1, into: &output) == 5)
        #expect(try op.watermarkAdvanced(to: 30, port: 1, into: &output) == 10)
        #expect(try op.watermarkAdvanced(to: Watermark.end, port: 0, into: &output) == 20)
    }

    @Test func aRowIsJudgedByTheUnionsWatermarkNotOnlyItsInputs() throws {
        let op = Self.union(2)
        var output = Collector()
        _ = try op.watermarkAdvanced(to: 10, port: 0, into: &output)
        _ = try op.watermarkAdvanced(to: 4, port: 1, into: &output)
        // A row of input 0 that arrived under its own watermark 10 is not late for the union, whose watermark is 4.
        try op.process(batch([[.int(1), .timestamp(7)]], arrivals: [10]), port: 0, into: &output)
        #expect(output.drain().first?.arrivalWatermarks == [4])
    }
}
