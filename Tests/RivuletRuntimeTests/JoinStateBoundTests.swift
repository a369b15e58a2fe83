import RivuletCore
import RivuletPlanner
import RivuletRuntime
import Testing

/// Each join kind over a long generated stream: its state, sampled while the stream runs, stays
/// under a bound that follows from the join's semantics, however long the stream is.
///
/// Every generator emits `rate` rows per millisecond of event time on each side, in time order,
/// with a watermark delay of 0 unless stated. The driver merges the two sources by event time, ties to the
/// left, so it alternates runs of one millisecond's rows (`rate` rows) per side, and after each
/// run that side's watermark moves to the run's time: no side gets more than one run ahead of
/// the combined watermark.
@Suite struct JoinStateBoundTests {
    static let count = 100_000
    static let rate = 10

    /// The row `i`'s event time.
    static func time(_ i: Int, rate: Int = rate) -> Int64 { Int64(i / rate) }

    static let keyed = [Field("k", .bigint), Field("ts", .bigint)]
    static let valued = [Field("k", .bigint), Field("ts", .bigint), Field("v", .bigint)]

    /// Runs `plan` over `rows` (by relation name); samples the state every few steps.
    static func run(_ plan: StreamPlan, rows: [String: [[Value]]]) throws -> (samples: [Int], final: QueryMetrics) {
        let pipeline = try QueryPipeline(
            plan: plan,
            openSource: { scan in MemorySource(types: scan.schema.types, rows: rows[scan.relation.name] ?? []) },
            sink: BlackholeSink(), batchSize: 1024)
        var samples: [Int] = []
        var steps = 0
        while try pipeline.step() {
            steps += 1
            if steps % 50 == 0 { samples.append(pipeline.metrics.stateSize) }
        }
        return (samples, pipeline.metrics)
    }

    /// Tumbling windows of 100 ms on both sides, joined on key and window.
    @Test func windowJoinFreesEachWindowAsItCloses() throws {
        let size: Int64 = 100
        // A 1 ms watermark delay: with several rows per millisecond, the rows sharing a window's
        // last millisecond would otherwise arrive under a watermark that has closed the window.
        func windowed(_ name: String) -> StreamPlan {
            .windowTable(.init(
                input: namedScan(name, Self.keyed, timeColumn: 1, delayMillis: 1),
                window: WindowSpec(kind: .tumble(size: size, offset: 0), timeColumn: 1)))
        }
        // (k, ts, window_start, window_end, window_time): keys k, window_start, window_end.
        let plan = StreamPlan.join(.init(
            left: windowed("l"), right: windowed("r"), kind: .inner, strategy: .window,
            leftKeys: [0, 2, 3], rightKeys: [0, 2, 3], residual: nil, leftTime: 3, rightTime: 3))
        // Keys unique within a window, so each row matches exactly its twin on the other side.
        let keySpace = Int(size) * Self.rate
        let side = (0..<Self.count).map { i -> [Value] in [.int(Int64(i % keySpace)), .int(Self.time(i))] }
        let run = try Self.run(plan, rows: ["l": side, "r": side])

        // A window [s, s + 100) closes once the combined watermark reaches s + 99, i.e. once
        // both sides have reached s + 100 (1 ms delay): state is at most one window's rows per
        // side (100 ms × rate) plus the next window's first run (rate rows) per side.
        let bound = 2 * Int(size) * Self.rate + 2 * Self.rate
        #expect(run.final.lateRows == 0)
        #expect(run.samples.count > 20)
        #expect(run.samples.max()! <= bound)
        #expect(run.samples.max()! >= Int(size) * Self.rate)  // whole windows were buffered
        #expect(run.final.rowsWritten == Self.count)
        #expect(run.final.stateSize == 0)
    }

    /// A probe stream joined with a versioned table updated every 10 ms per key.
    @Test func temporalJoinDropsVersionsTheWatermarkHasPassed() throws {
        let keys = 100
        let versioned = namedScan("rates", Self.valued, timeColumn: 1, primaryKey: [0])
        let plan = StreamPlan.join(.init(
            left: namedScan("orders", Self.keyed, timeColumn: 1), right: versioned, kind: .inner, strategy: .temporal,
            leftKeys: [0], rightKeys: [0], residual: nil, leftTime: 1, rightTime: 1))
        // Orders 1 ms after the rates of the same index: a version that arrives after the
        // watermark has reached its time comes too late for probes of that time (their key's
        // timer has fired, as in Flink), so each probe's time is past its key's first version.
        let orders = (0..<Self.count).map { i -> [Value] in [.int(Int64(i % keys)), .int(Self.time(i) + 1)] }
        let rates = (0..<Self.count).map { i -> [Value] in [.int(Int64(i % keys)), .int(Self.time(i)), .int(Int64(i))] }
        let run = try Self.run(plan, rows: ["orders": orders, "rates": rates])

        // Per key only the newest version at or below the watermark can still be chosen, plus
        // versions above it: at most one run of the table (rate rows). Probes wait only until
        // the watermark reaches them: at most one run of the stream. 100 keys × 1 version + 2 runs.
        let bound = keys + 2 * Self.rate
        #expect(run.samples.count > 20)
        #expect(run.samples.max()! <= bound)
        #expect(run.samples.max()! >= keys)  // every key's current version is held
        // Every probe finds a version: each key's first one is 1 ms before its first probe.
        #expect(run.final.rowsWritten == Self.count)
        // At the end of input no probe waits; at most the last run's versions beyond one per key.
        #expect(run.final.stateSize <= bound)
    }

    /// A stream enriched from a table keyed by 1,000 keys, upserted 100,000 times.
    @Test func streamTableJoinKeepsOnlyTheTablesLiveKeys() throws {
        let keys = 1000
        let table = namedScan("accounts", Self.valued, timeColumn: 1, primaryKey: [0])
        let plan = StreamPlan.join(.init(
            left: namedScan("payments", Self.keyed, timeColumn: 1), right: table, kind: .left, strategy: .streamTable,
            leftKeys: [0], rightKeys: [0], residual: nil))
        let payments = (0..<Self.count).map { i -> [Value] in [.int(Int64(i % keys)), .int(Self.time(i))] }
        let accounts = (0..<Self.count).map { i -> [Value] in [.int(Int64(i % keys)), .int(Self.time(i)), .int(Int64(i))] }
        let run = try Self.run(plan, rows: ["payments": payments, "accounts": accounts])

        // State is the table's current row per key (an upsert replaces it; stream rows are never
        // kept): bounded by the key space, and all of it once every key has been written.
        #expect(run.samples.count > 20)
        #expect(run.samples.max()! <= keys)
        #expect(run.final.rowsWritten == Self.count)
        #expect(run.final.stateSize == keys)
    }

    /// Two streams joined on a unique id, so each row matches its twin on the other side.
    static func regularPlan(ttl: Int64?) -> StreamPlan {
        .join(.init(
            left: namedScan("l", keyed, timeColumn: 1), right: namedScan("r", keyed, timeColumn: 1), kind: .inner,
            strategy: .regular, leftKeys: [0], rightKeys: [0], residual: nil, stateTTLMillis: ttl))
    }

    /// 100 rows per ms, so the TTL sweep (once per watermark move) runs less often.
    static let regularRate = 100
    static let regularSide = (0..<count).map { i -> [Value] in [.int(Int64(i)), .int(time(i, rate: regularRate))] }

    /// With `table.exec.state.ttl` (here 5 ms), rows untouched for longer are forgotten.
    @Test func regularJoinWithAStateTTLLevelsOff() throws {
        let ttl: Int64 = 5
        let run = try Self.run(Self.regularPlan(ttl: ttl), rows: ["l": Self.regularSide, "r": Self.regularSide])

        // A row is last touched at the watermark current when it (or its match) arrived, which
        // is at most one millisecond behind its own time; the sweep on each watermark move keeps
        // rows touched within `ttl` of it. So each side keeps at most the rows of the last
        // ttl + 2 milliseconds (rows of the current one included).
        let bound = 2 * Self.regularRate * (Int(ttl) + 2)
        #expect(run.samples.count > 20)
        #expect(run.samples.max()! <= bound)
        #expect(run.final.rowsWritten == Self.count)
        #expect(run.final.stateSize <= bound)
    }

    /// Without a TTL a regular join keeps every row: a match for any of them may still arrive
    /// (the join has no time bound), so nothing is ever safe to forget.
    @Test func regularJoinWithoutATTLKeepsEveryRow() throws {
        let run = try Self.run(Self.regularPlan(ttl: nil), rows: ["l": Self.regularSide, "r": Self.regularSide])
        #expect(run.samples.count > 20)
        #expect(zip(run.samples, run.samples.dropFirst()).allSatisfy { $0 < $1 })
        #expect(run.final.rowsWritten == Self.count)
        #expect(run.final.stateSize == 2 * Self.count)
    }
}
