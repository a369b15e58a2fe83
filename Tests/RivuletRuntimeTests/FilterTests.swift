import RivuletCore
import RivuletPlanner
import RivuletRuntime
import Testing

@Suite struct FilterTests {
    let predicate = fn(.equal, .boolean, fn(.modulo, .bigint, col(0, .bigint), lit(.int(2), .bigint)), lit(.int(0), .bigint))

    @Test func keepsTrueRowsWithTheirKindsAndWatermarks() throws {
        let filter = try Filter(predicate: predicate)
        var first = batch([.bigint, .varchar], [[.int(1), .string("a")], [.int(2), .string("b")], [.null, .string("c")], [.int(4), .string("d")]],
                          kinds: [.insert, .updateBefore, .insert, .delete])
        first.arrivalWatermarks = [10, 11, 12, 13]
        let second = batch([.bigint, .varchar], [[.int(6), .string("e")], [.int(8), .string("f")]])
        let third = batch([.bigint, .varchar], [[.int(7), .string("g")]])
        var output = Collector()
        for input in [first, second, third] { try filter.process(input, port: 0, into: &output) }
        let batches = output.drain()
        #expect(batches.count == 2)  // the all-odd batch emits nothing
        let types: [SQLType] = [.bigint, .varchar]
        #expect((0..<batches[0].count).map { batches[0].row($0, types: types) } == [[.int(2), .string("b")], [.int(4), .string("d")]])
        #expect(batches[0].kinds == [.updateBefore, .delete])
        #expect(batches[0].arrivalWatermarks == [11, 13])
        #expect(batches[1].count == 2)
        #expect(batches[1].kinds == nil)
    }

    @Test func refusesAPredicateThatIsNotBoolean() throws {
        #expect(throws: SQLError.self) { try Filter(predicate: col(0, .bigint)) }
    }
}
