import RivuletCore
import RivuletPlanner
import RivuletRuntime
import Testing

/// Every stateful operator beyond the aggregates — the joins, Top-N, deduplication and window
/// Top-N — checkpointed after any step and restored into a freshly built query goes on to emit
/// exactly what the uninterrupted query emits, row for row and in order.
@Suite struct OperatorCheckpointTests {
    static let fields = [Field("k", .bigint), Field("ts", .timestamp3), Field("v", .bigint)]

    /// `count` rows over 5 keys (some NULL), event times rising with jitter (some late).
    static func rows(seed: UInt64, count: Int = 240) -> [[Value]] {
        var state = seed
        func next(_ bound: UInt64) -> Int64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int64((state >> 33) % bound)
        }
        var time: Int64 = 0
        return (0..<count).map { _ in
            time += next(4)
            let key: Value = next(12) == 0 ? .null : .int(next(5))
            return [key, .timestamp(time - next(5)), .int(next(100))]
        }
    }

    static let input: [String: [[Value]]] = ["l": rows(seed: 7), "r": rows(seed: 11)]

    static func stream(_ name: String) -> StreamPlan { namedScan(name, fields, timeColumn: 1, delayMillis: 3) }
    static func table(_ name: String, timed: Bool = true) -> StreamPlan {
        namedScan(name, fields, timeColumn: timed ? 1 : nil, primaryKey: [0], delayMillis: 3)
    }

    static func join(_ left: StreamPlan, _ right: StreamPlan, _ kind: StreamPlan.Join.Kind, _ strategy: StreamPlan.Join.Strategy,
                     keys: [Int] = [0], time: Int? = nil, ttl: Int64? = nil) -> StreamPlan {
        .join(.init(left: left, right: right, kind: kind, strategy: strategy, leftKeys: keys, rightKeys: keys, residual: nil,
                    leftTime: time, rightTime: time, stateTTLMillis: ttl))
    }

    static func windowed(_ name: String) -> StreamPlan {
        .windowTable(.init(input: stream(name), window: WindowSpec(kind: .tumble(size: 20, offset: 0), timeColumn: 1)))
    }

    static let plans: [(String, StreamPlan)] = [
        ("interval join, full", join(stream("l"), stream("r"), .full, .interval(lower: -6, upper: 4), time: 1)),
        ("interval join, inner", join(stream("l"), stream("r"), .inner, .interval(lower: 0, upper: 10), time: 1)),
        ("regular join, full", join(namedScan("l", fields, timeColumn: nil), namedScan("r", fields, timeColumn: nil), .full, .regular)),
        ("regular join of a table, left", join(stream("l"), table("r"), .left, .regular)),
        ("regular join with a TTL", join(stream("l"), stream("r"), .inner, .regular, ttl: 15)),
        // (k, ts, v, window_start, window_end, window_time): on k and the window.
        ("window join, full", join(windowed("l"), windowed("r"), .full, .window, keys: [0, 3, 4], time: 4)),
        ("stream-table join, left", join(stream("l"), table("r"), .left, .streamTable)),
        ("temporal join, left", join(stream("l"), table("r"), .left, .temporal, time: 1)),
        ("top-n with rank", .topN(.init(
            input: stream("l"), partitionKeys: [0], sortKeys: [.init(column: 2, ascending: false)], limit: 3, emitsRank: true))),
        ("top-n of a changelog", .topN(.init(
            input: table("l", timed: false), partitionKeys: [2], sortKeys: [.init(column: 1, ascending: true)], limit: 2,
            emitsRank: false))),
        ("deduplicate, keep last", .topN(.init(
            input: stream("l"), partitionKeys: [0], sortKeys: [.init(column: 1, ascending: false)], limit: 1, emitsRank: false))),
        ("window top-n", .topN(.init(
            input: windowed("l"), partitionKeys: [3, 4], sortKeys: [.init(column: 2, ascending: false)], limit: 2,
            emitsRank: true, windowEnd: 4))),
        ("over aggregate, rows", over(.rows(preceding: 3))),
        ("over aggregate, range", over(.range(precedingMillis: 10))),
        ("over aggregate, unbounded", over(.range(precedingMillis: nil))),
        ("semi join", semiJoin(anti: false, nulls: .neverMatch)),
        ("anti join", semiJoin(anti: true, nulls: .neverMatch)),
        ("except all", .multisetOperation(.init(left: keysOf("l"), right: keysOf("r"), op: .exceptAll))),
        ("window anti join", windowSemiJoin(anti: true)),
        ("window semi join", windowSemiJoin(anti: false)),
        ("anti join of a changelog, NULLs equal", .semiJoin(.init(
            left: table("l", timed: false), right: table("r", timed: false), leftKeys: [2], rightKeys: [2], anti: true,
            nulls: .equal))),
    ]

    static func semiJoin(anti: Bool, nulls: StreamPlan.SemiJoin.Nulls) -> StreamPlan {
        .semiJoin(.init(left: stream("l"), right: stream("r"), leftKeys: [0], rightKeys: [0], anti: anti, nulls: nulls))
    }

    /// (k, ts, v, window_start, window_end, window_time) against the right's (k, window_start, window_end).
    static func windowSemiJoin(anti: Bool) -> StreamPlan {
        let right = StreamPlan.project(.init(
            input: windowed("r"), expressions: [columnRef(0, .bigint), columnRef(3, .timestamp3), columnRef(4, .timestamp3)],
            schema: Schema([Field("k", .bigint), Field("window_start", .timestamp3), Field("window_end", .timestamp3)])))
        var join = StreamPlan.SemiJoin(
            left: windowed("l"), right: right, leftKeys: [0, 3, 4], rightKeys: [0, 1, 2], anti: anti, nulls: .neverMatch)
        join.windowEnd = (left: 4, right: 2)
        return .semiJoin(join)
    }

    /// Stream `name`'s keys alone, so rows repeat.
    static func keysOf(_ name: String) -> StreamPlan {
        .project(.init(input: stream(name), expressions: [columnRef(0, .bigint)], schema: Schema([Field("k", .bigint)])))
    }

    static func over(_ frame: StreamPlan.OverAggregate.Frame) -> StreamPlan {
        .overAggregate(.init(
            input: stream("l"), partitionKeys: [0], timeColumn: 1, frame: frame,
            aggregates: [countStar, AggregateCall(kind: .max, argument: columnRef(2, .bigint), type: .bigint)]))
    }

    static func pipeline(_ plan: StreamPlan, into sink: MemorySink) throws -> QueryPipeline {
        try QueryPipeline(
            plan: plan, openSource: { scan in MemorySource(types: scan.schema.types, rows: input[scan.relation.name] ?? []) },
            sink: sink, batchSize: 16)
    }

    @Test(arguments: plans.indices)
    func restoredOperatorContinuesAsIfUninterrupted(index: Int) throws {
        let (name, plan) = Self.plans[index]
        let whole = MemorySink(types: plan.schema.types)
        let uninterrupted = try Self.pipeline(plan, into: whole)
        var steps = 0
        var peakState = 0
        while try uninterrupted.step() {
            steps += 1
            peakState = max(peakState, uninterrupted.metrics.stateSize)
        }
        #expect(whole.lines.count > 20, "\(name)")
        #expect(peakState > 0, "\(name) holds state")
        for cut in Set([1, 2, steps / 7, steps / 3, steps / 2, steps - 3, steps]) where cut > 0 {
            let first = MemorySink(types: plan.schema.types)
            let before = try Self.pipeline(plan, into: first)
            for _ in 0..<cut { try before.step() }
            var writer = StateWriter()
            try before.snapshot(into: &writer)

            let second = MemorySink(types: plan.schema.types)
            let after = try Self.pipeline(plan, into: second)
            var reader = StateReader(writer.bytes)
            try after.restore(from: &reader)
            #expect(try reader.isAtEnd())
            #expect(after.metrics.stateSize == before.metrics.stateSize, "\(name), cut after step \(cut)")
            let metrics = try after.runToEnd()
            #expect(first.lines + second.lines == whole.lines, "\(name), cut after step \(cut)")
            #expect(metrics.rowsRead == uninterrupted.metrics.rowsRead)
            #expect(metrics.lateRows == uninterrupted.metrics.lateRows)
        }
    }

    @Test func aJoinCheckpointDoesNotRestoreIntoAnotherPlan() throws {
        let interval = Self.plans[0].1
        let before = try Self.pipeline(interval, into: MemorySink(types: interval.schema.types))
        for _ in 0..<5 { try before.step() }
        var writer = StateWriter()
        try before.snapshot(into: &writer)
        let windowJoin = Self.plans[5].1
        var reader = StateReader(writer.bytes)
        #expect(throws: SQLError.self) {
            try Self.pipeline(windowJoin, into: MemorySink(types: windowJoin.schema.types)).restore(from: &reader)
        }
        for length in stride(from: 0, to: writer.bytes.count - 1, by: 11) {
            var truncated = StateReader(Array(writer.bytes.prefix(length)))
            #expect(throws: SQLError.self) {
                try Self.pipeline(interval, into: MemorySink(types: interval.schema.types)).restore(from: &truncated)
            }
        }
    }
}
