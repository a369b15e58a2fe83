import RivuletCore
import RivuletPlanner
import RivuletRuntime
import Testing

/// A query stopped after any batch, checkpointed, and restored into freshly built operators
/// must go on to emit exactly what the uninterrupted query emits.
@Suite struct CheckpointRestoreTests {
    static let fields = [Field("k", .varchar), Field("ts", .timestamp3), Field("v", .bigint), Field("d", .double)]

    /// 300 rows over 7 keys, event times rising with jitter (some late), some NULL values.
    static let rows: [[Value]] = {
        var state: UInt64 = 42
        func next(_ bound: UInt64) -> Int64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int64((state >> 33) % bound)
        }
        var time: Int64 = 0
        return (0..<300).map { _ in
            time += next(4)
            let v: Value = next(10) == 0 ? .null : .int(next(50))
            return [.string("k\(next(7))"), .timestamp(time - next(6)), v, .double(Double(next(1000)) / 8)]
        }
    }()

    static let aggregates = [
        countStar,
        AggregateCall(kind: .sum, argument: columnRef(2, .bigint), type: .bigint),
        AggregateCall(kind: .max, argument: columnRef(2, .bigint), type: .bigint),
        AggregateCall(kind: .min, argument: columnRef(3, .double), type: .double),
        AggregateCall(kind: .count, argument: columnRef(2, .bigint), distinct: true, type: .bigint),
        AggregateCall(kind: .avg, argument: columnRef(3, .double), type: .double),
        AggregateCall(kind: .max, argument: columnRef(0, .varchar), type: .varchar),
        AggregateCall(kind: .approxQuantile(0.5), argument: columnRef(3, .double), type: .double),
    ]

    static var scan: StreamPlan { scanPlan(fields, timeColumn: 1, delay: 3) }

    static func window(_ kind: WindowSpec.Kind, emit: StreamPlan.WindowAggregate.Emit = .final) -> StreamPlan {
        .windowAggregate(windowPlan(input: scan, kind: kind, timeColumn: 1, keys: [0], aggregates: aggregates, emit: emit))
    }

    static func group(keys: [Int]) -> StreamPlan {
        let schema = Schema(keys.map { fields[$0] } + aggregates.enumerated().map { Field("a\($0.offset)", $0.element.type) })
        return .groupAggregate(.init(input: scan, keys: keys, aggregates: aggregates, schema: schema))
    }

    static let plans: [(String, StreamPlan)] = [
        ("tumble", window(.tumble(size: 20, offset: 0))),
        ("tumble changes", window(.tumble(size: 20, offset: 0), emit: .changes)),
        ("hop", window(.hop(size: 30, slide: 10, offset: 0))),
        ("cumulate", window(.cumulate(step: 10, size: 40, offset: 0))),
        ("session", window(.session(gap: 6))),
        ("session changes", window(.session(gap: 6), emit: .changes)),
        ("group by key", group(keys: [0])),
        ("group by nothing", group(keys: [])),
    ]

    @Test(arguments: plans.indices)
    func restoredQueryContinuesAsIfUninterrupted(index: Int) throws {
        let (name, plan) = Self.plans[index]
        let types = plan.schema.types
        let batchSize = 16
        let whole = MemorySink(types: types)
        try QueryPipeline(plan: plan, openSource: { _ in Self.source() }, sink: whole, batchSize: batchSize).runToEnd()
        #expect(!whole.lines.isEmpty, "\(name)")
        for cut in [1, 3, 7, 12, 18, 19] {
            let first = MemorySink(types: types)
            let before = try QueryPipeline(plan: plan, openSource: { _ in Self.source() }, sink: first, batchSize: batchSize)
            for _ in 0..<cut { try before.step() }
            var writer = StateWriter()
            try before.snapshot(into: &writer)

            let second = MemorySink(types: types)
            let after = try QueryPipeline(plan: plan, openSource: { _ in Self.source() }, sink: second, batchSize: batchSize)
            var reader = StateReader(writer.bytes)
            try after.restore(from: &reader)
            #expect(try reader.isAtEnd())
            let metrics = try after.runToEnd()
            #expect(first.lines + second.lines == whole.lines, "\(name), cut after batch \(cut)")
            #expect(metrics.rowsRead == Self.rows.count)
        }
    }

    @Test func aCheckpointOfAnotherPlanIsRefused() throws {
        let tumble = try QueryPipeline(plan: Self.plans[0].1, openSource: { _ in Self.source() }, sink: MemorySink(types: Self.plans[0].1.schema.types))
        try tumble.step()
        var writer = StateWriter()
        try tumble.snapshot(into: &writer)
        let hop = try QueryPipeline(plan: Self.plans[2].1, openSource: { _ in Self.source() }, sink: MemorySink(types: Self.plans[2].1.schema.types))
        var reader = StateReader(writer.bytes)
        #expect(throws: SQLError.self) { try hop.restore(from: &reader) }
    }

    @Test func aTruncatedCheckpointIsAnErrorNotACrash() throws {
        let pipeline = try QueryPipeline(plan: Self.plans[6].1, openSource: { _ in Self.source() }, sink: MemorySink(types: Self.plans[6].1.schema.types), batchSize: 50)
        try pipeline.step()
        var writer = StateWriter()
        try pipeline.snapshot(into: &writer)
        for length in stride(from: 0, to: writer.bytes.count - 1, by: 7) {
            let fresh = try QueryPipeline(plan: Self.plans[6].1, openSource: { _ in Self.source() }, sink: MemorySink(types: Self.plans[6].1.schema.types))
            var reader = StateReader(Array(writer.bytes.prefix(length)))
            #expect(throws: SQLError.self) { try fresh.restore(from: &reader) }
        }
    }

    static func source() -> MemorySource { MemorySource(types: fields.map(\.type), rows: rows) }
}
