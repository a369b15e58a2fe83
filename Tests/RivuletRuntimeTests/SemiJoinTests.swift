import RivuletCore
import RivuletPlanner
import RivuletRuntime
import Testing

@Suite struct SemiJoinTests {
    static let fields = [Field("k", .bigint), Field("v", .varchar)]
    static let types = fields.map(\.type)

    static func join(anti: Bool, nulls: StreamPlan.SemiJoin.Nulls = .neverMatch) -> SemiJoin {
        SemiJoin(.init(
            left: namedScan("l", fields, timeColumn: nil), right: namedScan("r", fields, timeColumn: nil),
            leftKeys: [0], rightKeys: [0], anti: anti, nulls: nulls))
    }

    /// What `op` emits for `rows` arriving on `port`.
    func feed(_ op: SemiJoin, port: Int, _ rows: [[Value]], kind: RowKind = .insert) throws -> [String] {
        var batch = RowBatch(types: Self.types)
        for row in rows { batch.appendRow(row, kind: kind) }
        var output = Collector()
        try op.process(batch, port: port, into: &output)
        return output.drain().flatMap { render($0, types: Self.types) }
    }

    @Test func semiJoinEmitsALeftRowOnceItsFirstMatchArrivesAndRetractsItWithItsLast() throws {
        let op = Self.join(anti: false)
        #expect(try feed(op, port: 0, [[.int(1), .string("a")], [.int(2), .string("b")]]).isEmpty)
        #expect(try feed(op, port: 1, [[.int(1), .string("x")], [.int(1), .string("y")]]) == ["+I 1,a"])
        #expect(try feed(op, port: 0, [[.int(1), .string("c")]]) == ["+I 1,c"])
        #expect(try feed(op, port: 1, [[.int(1), .string("x")]], kind: .delete).isEmpty)
        #expect(try feed(op, port: 1, [[.int(1), .string("y")]], kind: .delete) == ["-D 1,a", "-D 1,c"])
        #expect(try feed(op, port: 0, [[.int(2), .string("b")]], kind: .delete).isEmpty)
    }

    @Test func antiJoinRetractsALeftRowWhenItsFirstMatchArrives() throws {
        let op = Self.join(anti: true)
        #expect(try feed(op, port: 0, [[.int(1), .string("a")], [.null, .string("n")]]) == ["+I 1,a", "+I NULL,n"])
        #expect(try feed(op, port: 1, [[.int(1), .string("x")], [.null, .string("y")]]) == ["-D 1,a"])
        #expect(try feed(op, port: 1, [[.int(1), .string("x")]], kind: .delete) == ["+I 1,a"])
        #expect(try feed(op, port: 0, [[.int(1), .string("a")]], kind: .delete) == ["-D 1,a"])
    }

    @Test func notInKeepsOutNullOperandsAndEverythingOnceTheSubqueryHasANull() throws {
        let op = Self.join(anti: true, nulls: .notIn)
        // Against nothing, NOT IN holds even for NULL.
        #expect(try feed(op, port: 0, [[.int(1), .string("a")], [.null, .string("n")], [.int(2), .string("b")]])
            == ["+I 1,a", "+I NULL,n", "+I 2,b"])
        #expect(try feed(op, port: 1, [[.int(1), .string("x")]]) == ["-D 1,a", "-D NULL,n"])
        #expect(try feed(op, port: 1, [[.null, .string("z")]]) == ["-D 2,b"])
        #expect(try feed(op, port: 1, [[.null, .string("z")]], kind: .delete) == ["+I 2,b"])
    }

    @Test func setOperationsTakeNullAsEqual() throws {
        let op = Self.join(anti: false, nulls: .equal)
        #expect(try feed(op, port: 1, [[.null, .string("x")]]).isEmpty)
        #expect(try feed(op, port: 0, [[.null, .string("n")], [.int(1), .string("a")]]) == ["+I NULL,n"])
    }

    @Test func theWatermarkIsTheSmallerOfBothInputs() throws {
        let op = Self.join(anti: false)
        var output = Collector()
        #expect(try op.watermarkAdvanced(to: 10, port: 0, into: &output) == nil)
        #expect(try op.watermarkAdvanced(to: 5, port: 1, into: &output) == 5)
        #expect(try op.watermarkAdvanced(to: 8, port: 1, into: &output) == 8)
    }
}
