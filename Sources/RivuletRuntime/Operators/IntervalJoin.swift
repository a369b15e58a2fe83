public import RivuletCore
public import RivuletPlanner

/// Joins two append-only streams on equal keys where `lower ≤ leftTime − rightTime ≤ upper`
/// (inner, left, right or full), emitting append-only output.
///
/// Each side keeps its rows per key until the combined watermark W (the smaller of the two
/// inputs') proves no row of the other side can still match: a left row at time t goes once
/// `t − lower < W`, a right row once `t + upper < W`. An unmatched row of an outer side is
/// emitted NULL-padded at that moment. A row is late, counted and dropped, when its time is
/// below the watermark it arrives under (its own input's watermark just before it, and the
/// other input's current one); every row that can still arrive is at or above W, so dropping
/// state by W never loses a match. The plan's grace lowers both bounds by that much (rows may
/// come that late), and `emitsUnmatchedOnArrival` emits an outer row NULL-padded as soon as it
/// finds no match instead of when it expires.
public final class IntervalJoin: StreamOperator {
    private struct Entry {
        var row: [Value]
        var time: Int64
        var matched: Bool
    }

    private let plan: StreamPlan.Join
    private let lower: Int64
    private let upper: Int64
    private let grace: Int64
    private let timeColumns: [Int]
    private var matcher: JoinMatcher
    private var sides: [[[Value]: [Entry]]] = [[:], [:]]
    /// Outer rows whose key is NULL: they can never match, and wait for their bound like the others.
    private var unmatchable: [[Entry]] = [[], []]
    private var watermarks = InputWatermarks()
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

    private func keepsUnmatched(_ port: Int) -> Bool {
        port == 0 ? plan.kind.keepsLeftUnmatched : plan.kind.keepsRightUnmatched
    }

    /// Whether `left − right` lies within the bounds.
    @inline(__always)
    private func inBounds(left: Int64, right: Int64) -> Bool {
        let (difference, overflow) = left.subtractingReportingOverflow(right)
        return !overflow && difference >= lower && difference <= upper
    }

    public func process(_ batch: RowBatch, port: Int, into output: inout Collector) throws {
        let other = 1 - port
        let times = batch.columns[timeColumns[port]]
        for row in 0..<batch.count {
            if times.isNull(row) { continue }
            let time = times.ints[row]
            let arrival = watermarks.arrival(batch, row: row, port: port)
            let (arrivalBound, overflow) = arrival.subtractingReportingOverflow(grace)
            if !overflow, time < arrivalBound {
                late.drop(batch, row: row, port: port, watermark: arrival)
                continue
            }
            let values = matcher.values(batch, row, port: port)
            guard let key = matcher.key(batch, row, port: port) else {
                if keepsUnmatched(port) {
                    if plan.emitsUnmatchedOnArrival {
                        emitPadded(values, port: port)
                    } else {
                        unmatchable[port].append(Entry(row: values, time: time, matched: false))
                        count += 1
                    }
                }
                continue
            }
            var matched = false
            if var candidates = sides[other][key] {
                let inRange = candidates.indices.filter { i in
                    port == 0 ? inBounds(left: time, right: candidates[i].time) : inBounds(left: candidates[i].time, right: time)
                }
                if !inRange.isEmpty {
                    let holds = try matcher.residualHolds(values, port: port, candidates: inRange.map { candidates[$0].row })
                    for (n, i) in inRange.enumerated() where holds[n] {
                        candidates[i].matched = true
                        matched = true
                        if port == 0 { matcher.emit(left: values, right: candidates[i].row) } else { matcher.emit(left: candidates[i].row, right: values) }
                    }
                    sides[other][key] = candidates
                }
            }
            if !matched, plan.emitsUnmatchedOnArrival, keepsUnmatched(port) {
                emitPadded(values, port: port)
                matched = true
            }
            sides[port][key, default: []].append(Entry(row: values, time: time, matched: matched))
            count += 1
        }
        matcher.flush(into: &output)
    }

    public func watermarkAdvanced(to watermark: Int64, port: Int, into output: inout Collector) throws -> Int64? {
        guard let advanced = watermarks.advance(port, to: watermark) else { return nil }
        // Rows may still arrive `grace` below the watermark: state waits for them.
        let (lowered, underflow) = advanced.subtractingReportingOverflow(grace)
        let combined = advanced == Watermark.end ? advanced : underflow ? Int64.min : lowered
        for side in 0..<2 {
            // A left row expires once t − lower < W; a right row once t + upper < W.
            let expired = { (time: Int64) -> Bool in
                if combined == Watermark.end { return true }
                let (bound, overflow) = side == 0 ? time.subtractingReportingOverflow(self.lower) : time.addingReportingOverflow(self.upper)
                return !overflow && bound < combined
            }
            var padded: [Entry] = []
            for (key, entries) in sides[side] where entries.contains(where: { expired($0.time) }) {
                var kept: [Entry] = []
                for entry in entries {
                    if !expired(entry.time) {
                        kept.append(entry)
                    } else if !entry.matched, keepsUnmatched(side) {
                        padded.append(entry)
                    }
                }
                count -= entries.count - kept.count
                sides[side][key] = kept.isEmpty ? nil : kept
            }
            let (gone, waiting) = (unmatchable[side].filter { expired($0.time) }, unmatchable[side].filter { !expired($0.time) })
            count -= gone.count
            unmatchable[side] = waiting
            padded += gone
            // Outer rows in time order, so the output is the same however the input was batched.
            for entry in padded.sorted(by: Self.outerOrder) { emitPadded(entry.row, port: side) }
        }
        matcher.flush(into: &output)
        if combined == Watermark.end { return combined }
        // Rows still to be emitted have a left time of at least W + min(lower, 0).
        let (held, overflow) = combined.addingReportingOverflow(min(lower, 0))
        return overflow ? Watermark.none : held
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

    public var stateFormat: StateFormat { StateFormat(kind: "interval-join", version: 1) }
}

extension IntervalJoin {
    /// Both sides' rows per key with their times and whether they matched, the outer rows
    /// without a key, the input watermarks and counters.
    public func snapshot(into writer: inout StateWriter) throws {
        watermarks.save(into: &writer)
        writer.write(late.count)
        for side in 0..<2 {
            writer.write(sides[side].count)
            for (key, entries) in sides[side] {
                writer.write(row: key)
                Self.save(entries, into: &writer)
            }
            Self.save(unmatchable[side], into: &writer)
        }
    }

    public func restore(from reader: inout StateReader) throws {
        guard count == 0 else { throw SQLError.internal("restoring an interval join that holds state") }
        try watermarks.restore(from: &reader)
        late.restore(count: try reader.readInt())
        for side in 0..<2 {
            for _ in 0..<(try reader.readCount()) {
                let key = try reader.readRow()
                let entries = try Self.load(from: &reader)
                sides[side][key] = entries
                count += entries.count
            }
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
