import RivuletCore
import RivuletPlanner
import RivuletRuntime
import Testing

@Suite struct ProjectTests {
    @Test func evaluatesExpressionsKeepingRowKinds() throws {
        let project = try Project(expressions: [
            col(1, .varchar),
            fn(.add, .bigint, col(0, .bigint), lit(.int(1), .bigint)),
            fn(.upper, .varchar, col(1, .varchar)),
        ])
        #expect(project.types == [.varchar, .bigint, .varchar])
        var first = batch([.bigint, .varchar], [[.int(1), .string("a")], [.null, .string("b")]], kinds: [.insert, .updateAfter])
        first.arrivalWatermarks = [5, 6]
        let second = batch([.bigint, .varchar], [[.int(9), N]])
        var output = Collector()
        try project.process(first, port: 0, into: &output)
        try project.process(second, port: 0, into: &output)
        let batches = output.drain()
        let types: [SQLType] = [.varchar, .bigint, .varchar]
        #expect(batches.count == 2)
        #expect(batches[0].row(0, types: types) == [.string("a"), .int(2), .string("A")])
        #expect(batches[0].row(1, types: types) == [.string("b"), N, .string("B")])
        #expect(batches[0].kinds == [.insert, .updateAfter])
        #expect(batches[0].arrivalWatermarks == [5, 6])
        #expect(batches[1].row(0, types: types) == [N, .int(10), N])
    }
}
