public import RivuletCore
public import RivuletPlanner
import Collections

/// Joins two append-only streams on equal keys where `lower ≤ leftTime − rightTime ≤ upper`
/// (inner, left, right or full), emitting append-only output, row for row as Flink's
/// `TimeIntervalJoin` does.
///
/// Both sides are judged by one operator time T: the combined watermark (the smaller of the two
/// inputs') less the plan's grace (Flink raises a T before 1970 to 0; this one keeps it, so rows
/// from before 1970 are judged like any others). A row is joined with the other side's held rows
/// of its key whose times lie in its bounds, unless T already says every such row has expired.
/// It is then held itself while T is below the upper end of the other side's bounds for it;
/// otherwise it is NULL-padded when its side is outer and it matched nothing, and when it is
/// neither held, joined nor padded it is late: counted and dropped. A row arriving below the
/// watermark may therefore still join the rows held for its key.
///
/// Held rows expire once T passes them by their side's reach (a left row at t once
/// `t − lower < T`, a right row once `t + upper < T`), and an unmatched outer row comes out
/// NULL-padded then. As in Flink, each key's side is cleaned by one timer, set for the first row
/// held and then for the earliest row left, so a row can stay held past its expiry and join a
/// late row until the timer comes, or until a row of the other side meets it expired.
/// Timers fire as T moves, also between the rows of one batch (each row carries the watermark it
/// arrived under), so the output does not depend on how the input was batched.
/// `emitsUnmatchedOnArrival` emits an outer row NULL-padded as soon as it finds no match
/// instead of when it expires.
public final class IntervalJoin: StreamOperator {
    private struct Entry {
        var row: [Value]
        var time: Int64
        var matched: Bool
    }

    /// One key's held rows of each side, and when each side's timer next cleans them.
    private struct KeyState {
        var rows: [[Entry]] = [[], []]
        var cleanup: [Int64?] = [nil, nil]

        var isIdle: Bool { cleanup[0] == nil && cleanup[1] == nil && rows[0].isEmpty && rows[1].isEmpty }
    }

    private struct Timer: Comparable {
        var time: Int64
        var side: Int
        var key: [Value]

        static func < (a: Timer, b: Timer) -> Bool { a.time != b.time ? a.time < b.time : a.side < b.side }
    }

    private let plan: StreamPlan.Join
    private let lower: Int64
    private let upper: Int64
    private let grace: Int64
    private let timeColumns: [Int]
    private var matcher: JoinMatcher
    private var keys: [[Value]: KeyState] = [:]
    private var timers = Heap<Timer>()
    /// Outer rows whose key is NULL: they can never match, and wait for their expiry like the others.
    private var unmatchable: [[Entry]] = [[], []]
    private var watermarks = InputWatermarks()
    /// The operator time timers have fired up to.
    private var operatorTime = Watermark.none
    /// Per side, the time up to which its rows were last found expired, over all keys (Flink's
    /// leftExpirationTime / rightExpirationTime): a row whose bounds end at or below it skips the join.
    private var expiredUpTo = [Watermark.none, Watermark.none]
    private var count = 0
    private let late = LateRowCounter()
    public var lateRowCounter: LateRowCounter? { late }

    public init(_ plan: StreamPlan.Join) throws(SQLError) {
        guard case .interval(let lower, let upper) = plan.strategy, let leftTime = plan.leftTime, let rightTime = plan.rightTime else {
            throw SQLError.internal("IntervalJoin needs interval bounds and both event-time columns")
        }
        self.plan = plan
        self.lower = lower
        self.upper = upper
        grace = plan.graceMillis
        timeColumns = [leftTime, rightTime]
        matcher = try JoinMatcher(plan, changelog: false)
    }

    public var keepsState: Bool { true }
    public var stateSize: Int { count }

    private func keepsUnmatched(_ side: Int) -> Bool {
        side == 0 ? plan.kind.keepsLeftUnmatched : plan.kind.keepsRightUnmatched
    }

    /// How far past its own time a row of `side` can still meet a row of the other side:
    /// −lower for a left row, upper for a right one.
    private func reach(_ side: Int) -> Int64 { side == 0 ? -lower : upper }

    /// The times of the other side's rows a row of `side` at `time` matches.
    private func otherBounds(_ side: Int, time: Int64) -> (lower: Int64, upper: Int64) {
        side == 0
            ? (time.saturatingAdding(-upper), time.saturatingAdding(-lower))
            : (time.saturatingAdding(lower), time.saturatingAdding(upper))
    }

    /// Rows of `side` at or below this time have expired at operator time `time`.
    private func expiry(_ side: Int, at time: Int64) -> Int64 {
        time == Watermark.end ? Int64.max : time.saturatingAdding(-reach(side)).saturatingAdding(-1)
    }

    public func process(_ batch: RowBatch, port: Int, into output: inout Collector) throws {
        let other = 1 - port
        let times = batch.columns[timeColumns[port]]
        for row in 0..<batch.count {
            if times.isNull(row) { continue }
            let time = times.ints[row]
            let arrival = watermarks.arrival(batch, row: row, port: port)
            // Timers the watermark the row arrived under has passed fire before it, as in Flink.
            advance(to: arrival)
            let values = matcher.values(batch, row, port: port)
            let bounds = otherBounds(port, time: time)
            let holds = operatorTime < bounds.upper
            guard let key = matcher.key(batch, row, port: port) else {
                if !keepsUnmatched(port) {
                    if !holds { late.drop(batch, row: row, port: port, watermark: arrival) }
                } else if holds, !plan.emitsUnmatchedOnArrival {
                    unmatchable[port].append(Entry(row: values, time: time, matched: false))
                    count += 1
                } else {
                    emitPadded(values, port: port)
                }
                continue
            }
            var state = keys.removeValue(forKey: key) ?? KeyState()
            defer { if !state.isIdle { keys[key] = state } }
            var matched = false
            if expiredUpTo[other] < bounds.upper {
                expiredUpTo[other] = expiry(other, at: operatorTime)
                matched = try join(values, port: port, bounds: bounds, with: &state.rows[other])
                // Rows of the other side met expired go now, padded if they never matched.
                let (kept, gone) = split(state.rows[other], expiredUpTo: expiredUpTo[other])
                state.rows[other] = kept
                count -= gone.count
                if keepsUnmatched(other) {
                    for entry in gone where !entry.matched { emitPadded(entry.row, port: other) }
                }
            }
            if !matched, plan.emitsUnmatchedOnArrival, keepsUnmatched(port) {
                emitPadded(values, port: port)
                matched = true
            }
            if holds {
                state.rows[port].append(Entry(row: values, time: time, matched: matched))
                count += 1
                if state.cleanup[port] == nil { schedule(port, of: key, after: time, in: &state) }
            } else if !matched {
                if keepsUnmatched(port) {
                    emitPadded(values, port: port)
                } else {
                    late.drop(batch, row: row, port: port, watermark: arrival)
                }
            }
        }
        matcher.flush(into: &output)
    }

    /// Joins a row of `port` with the other side's rows in `bounds` whose residual condition
    /// holds, marking them matched; whether any did.
    private func join(
        _ values: [Value], port: Int, bounds: (lower: Int64, upper: Int64), with candidates: inout [Entry]
    ) throws -> Bool {
        let inRange = candidates.indices.filter { i in
            candidates[i].time >= bounds.lower && candidates[i].time <= bounds.upper
        }
        if inRange.isEmpty { return false }
        let holds = try matcher.residualHolds(values, port: port, candidates: inRange.map { candidates[$0].row })
        var matched = false
        for (n, i) in inRange.enumerated() where holds[n] {
            candidates[i].matched = true
            matched = true
            if port == 0 { matcher.emit(left: values, right: candidates[i].row) } else { matcher.emit(left: candidates[i].row, right: values) }
        }
        return matched
    }

    /// Sets `side`'s timer for `key` to clean up once a row at `time` has expired.
    private func schedule(_ side: Int, of key: [Value], after time: Int64, in state: inout KeyState) {
        let at = time.saturatingAdding(reach(side)).saturatingAdding(1)
        state.cleanup[side] = at
        timers.insert(Timer(time: at, side: side, key: key))
    }

    private func split(_ entries: [Entry], expiredUpTo bound: Int64) -> (kept: [Entry], gone: [Entry]) {
        // Most rows find nothing expired: keep the held rows without copying them.
        guard entries.contains(where: { $0.time <= bound }) else { return (entries, []) }
        var kept: [Entry] = []
        var gone: [Entry] = []
        for entry in entries {
            if entry.time <= bound { gone.append(entry) } else { kept.append(entry) }
        }
        return (kept, gone)
    }

    public func watermarkAdvanced(to watermark: Int64, port: Int, into output: inout Collector) throws -> Int64? {
        guard let combined = watermarks.advance(port, to: watermark) else { return nil }
        advance(to: combined)
        matcher.flush(into: &output)
        if combined == Watermark.end { return combined }
        // A row held up to its reach (and the grace) may still join: output waits that long.
        let delay = max(reach(0), reach(1)).saturatingAdding(grace)
        return combined.saturatingAdding(-delay)
    }

    /// Moves the operator time to `watermark` less the grace, firing the timers it passes and
    /// NULL-padding the unmatched outer rows they expire, in time order.
    private func advance(to watermark: Int64) {
        let time = watermark == Watermark.end ? watermark : watermark.saturatingAdding(-grace)
        guard time > operatorTime else { return }
        operatorTime = time
        var padded: [(side: Int, entry: Entry)] = []
        while let timer = timers.min, timer.time <= time {
            timers.removeMin()
            guard var state = keys[timer.key], state.cleanup[timer.side] == timer.time else { continue }
            let side = timer.side
            expiredUpTo[side] = expiry(side, at: time)
            let (kept, gone) = split(state.rows[side], expiredUpTo: expiredUpTo[side])
            state.rows[side] = kept
            count -= gone.count
            if keepsUnmatched(side) { padded += gone.filter { !$0.matched }.map { (side, $0) } }
            state.cleanup[side] = nil
            if let earliest = kept.map(\.time).min() { schedule(side, of: timer.key, after: earliest, in: &state) }
            keys[timer.key] = state.isIdle ? nil : state
        }
        for side in 0..<2 where !unmatchable[side].isEmpty {
            let (kept, gone) = split(unmatchable[side], expiredUpTo: expiry(side, at: time))
            unmatchable[side] = kept
            count -= gone.count
            padded += gone.map { (side, $0) }
        }
        // Outer rows in time order, so the output is the same whatever order state is held in.
        padded.sort { $0.side != $1.side ? $0.side < $1.side : Self.outerOrder($0.entry, $1.entry) }
        for (side, entry) in padded { emitPadded(entry.row, port: side) }
    }

    /// An unmatched row of `port`'s side, the other side's columns NULL.
    private func emitPadded(_ row: [Value], port: Int) {
        if port == 0 { matcher.emit(left: row, right: nil) } else { matcher.emit(left: nil, right: row) }
    }

    /// Time order, rows of equal time by their values: the same whatever order state is held in.
    private static func outerOrder(_ a: Entry, _ b: Entry) -> Bool {
        if a.time != b.time { return a.time < b.time }
        for (x, y) in zip(a.row, b.row) {
            let order = ValueOrder.compare(x, y)
            if order != 0 { return order < 0 }
        }
        return false
    }

    public var stateFormat: StateFormat { StateFormat(kind: "interval-join", version: 2) }
}

extension IntervalJoin {
    /// The input watermarks, the operator time, each side's expiry mark, every key's held rows
    /// (times, whether they matched) and timers, the outer rows without a key, and the counter.
    public func snapshot(into writer: inout StateWriter) throws {
        watermarks.save(into: &writer)
        writer.write(late.count)
        writer.write(operatorTime)
        for side in 0..<2 { writer.write(expiredUpTo[side]) }
        writer.write(keys.count)
        for (key, state) in keys {
            writer.write(row: key)
            for side in 0..<2 {
                Self.save(state.rows[side], into: &writer)
                writer.write(state.cleanup[side] ?? Watermark.none)
            }
        }
        for side in 0..<2 { Self.save(unmatchable[side], into: &writer) }
    }

    public func restore(from reader: inout StateReader) throws {
        guard count == 0 else { throw SQLError.internal("restoring an interval join that holds state") }
        try watermarks.restore(from: &reader)
        late.restore(count: try reader.readInt())
        operatorTime = try reader.readInt64()
        for side in 0..<2 { expiredUpTo[side] = try reader.readInt64() }
        for _ in 0..<(try reader.readCount()) {
            let key = try reader.readRow()
            var state = KeyState()
            for side in 0..<2 {
                state.rows[side] = try Self.load(from: &reader)
                count += state.rows[side].count
                let cleanup = try reader.readInt64()
                if cleanup != Watermark.none {
                    state.cleanup[side] = cleanup
                    timers.insert(Timer(time: cleanup, side: side, key: key))
                }
            }
            keys[key] = state
        }
        for side in 0..<2 {
            unmatchable[side] = try Self.load(from: &reader)
            count += unmatchable[side].count
        }
    }

    private static func save(_ entries: [Entry], into writer: inout StateWriter) {
        writer.write(entries.count)
        for entry in entries {
            writer.write(row: entry.row)
            writer.write(entry.time)
            writer.write(entry.matched)
        }
    }

    private static func load(from reader: inout StateReader) throws(SQLError) -> [Entry] {
        var entries: [Entry] = []
        for _ in 0..<(try reader.readCount()) {
            entries.append(Entry(row: try reader.readRow(), time: try reader.readInt64(), matched: try reader.readBool()))
        }
        return entries
    }
}

private extension Int64 {
    /// `self + other`, held at the ends of the range instead of overflowing.
    func saturatingAdding(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }
}
