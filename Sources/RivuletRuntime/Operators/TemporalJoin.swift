public import RivuletCore
public import RivuletPlanner
import Collections

/// `probe JOIN versioned FOR SYSTEM_TIME AS OF probe.time`: each probe (left) row joins the
/// version of the versioned table (right: a keyed table with event time, or a keep-last
/// deduplication by event time) valid at the probe's event time — the latest version at or
/// before it; a deleted or missing version gives no match (NULLs for LEFT JOIN). Row for row as
/// Flink's `TemporalRowTimeJoinOperator`:
///
/// Each key has one timer, set for the earliest time among its waiting probe rows and new
/// versions. When the combined watermark passes it, the key's probe rows at or below the
/// watermark are joined and emitted in arrival order, and its versions older than the newest
/// one at or below the watermark are dropped; the timer is set again only for probe rows still
/// waiting. A probe row behind the watermark is not dropped: it joins, at the next advance of
/// the watermark, the versions its key still holds. Update-before rows of the versioned input are
/// skipped: the row after the change is the version. Timers fire as the watermark moves, also
/// between the rows of one batch (each row carries the watermark it arrived under), so the
/// output does not depend on how the input was batched.
public final class TemporalJoin: StreamOperator {
    private struct Version {
        var time: Int64
        var row: [Value]?
    }

    private struct Probe {
        var sequence: Int
        var time: Int64
        var row: [Value]
    }

    /// One key's versions in time order, its probe rows in arrival order, and its timer.
    private struct KeyState {
        var versions: [Version] = []
        var probes: [Probe] = []
        var timer: Int64?
    }

    private struct Timer: Comparable {
        var time: Int64
        var sequence: Int
        var key: [Value]?

        static func < (a: Timer, b: Timer) -> Bool { (a.time, a.sequence) < (b.time, b.sequence) }
        static func == (a: Timer, b: Timer) -> Bool { (a.time, a.sequence) == (b.time, b.sequence) }
    }

    private let plan: StreamPlan.Join
    private let timeColumns: [Int]
    private var matcher: JoinMatcher
    /// Probe rows with a NULL key wait under the key nil; no version has it.
    private var keys: [[Value]?: KeyState] = [:]
    /// Per key its timer when set; a replaced timer stays in the heap and is skipped when it comes.
    private var timers = Heap<Timer>()
    private var watermarks = InputWatermarks()
    /// The combined watermark timers have fired up to.
    private var operatorTime = Watermark.none
    private var sequence = 0
    private var count = 0

    public init(_ plan: StreamPlan.Join) throws(SQLError) {
        guard let probeTime = plan.leftTime, let versionTime = plan.rightTime else {
            throw SQLError.internal("TemporalJoin needs the probe time and the version time")
        }
        self.plan = plan
        timeColumns = [probeTime, versionTime]
        matcher = try JoinMatcher(plan, changelog: false)
    }

    public var keepsState: Bool { true }
    public var stateSize: Int { count }

    public func process(_ batch: RowBatch, port: Int, into output: inout Collector) throws {
        let times = batch.columns[timeColumns[port]]
        for row in 0..<batch.count {
            if times.isNull(row) { continue }
            let time = times.ints[row]
            // Timers the watermark the row arrived under has passed fire before it, as in Flink.
            try advance(to: watermarks.arrival(batch, row: row, port: port))
            let key = matcher.key(batch, row, port: port)
            if port == 1 {
                guard let key, batch.kind(row) != .updateBefore else { continue }
                var state = keys[key] ?? KeyState()
                let version = Version(time: time, row: batch.kind(row).isAccumulate ? matcher.values(batch, row, port: 1) : nil)
                // In time order; a later arrival with the same time replaces the version.
                let index = state.versions.lastIndex(where: { $0.time <= time }).map { $0 + 1 } ?? 0
                if index > 0, state.versions[index - 1].time == time {
                    state.versions[index - 1] = version
                } else {
                    state.versions.insert(version, at: index)
                    count += 1
                }
                setTimer(time, key: key, in: &state)
                keys[key] = state
            } else {
                var state = keys[key] ?? KeyState()
                state.probes.append(Probe(sequence: sequence, time: time, row: matcher.values(batch, row, port: 0)))
                sequence += 1
                count += 1
                setTimer(time, key: key, in: &state)
                keys[key] = state
            }
        }
        matcher.flush(into: &output)
    }

    public func watermarkAdvanced(to watermark: Int64, port: Int, into output: inout Collector) throws -> Int64? {
        guard let combined = watermarks.advance(port, to: watermark) else { return nil }
        try advance(to: combined)
        matcher.flush(into: &output)
        return combined
    }

    /// Keeps the key's timer at the earliest time asked for.
    private func setTimer(_ time: Int64, key: [Value]?, in state: inout KeyState) {
        if let timer = state.timer, timer <= time { return }
        state.timer = time
        timers.insert(Timer(time: time, sequence: sequence, key: key))
        sequence += 1
    }

    /// Fires, in time order, the timers at or below `watermark`.
    private func advance(to watermark: Int64) throws {
        guard watermark > operatorTime else { return }
        operatorTime = watermark
        while let timer = timers.min, timer.time <= watermark {
            timers.removeMin()
            guard var state = keys[timer.key], state.timer == timer.time else { continue }
            state.timer = nil
            try fire(&state, key: timer.key, at: watermark)
            keys[timer.key] = state.versions.isEmpty && state.probes.isEmpty ? nil : state
        }
    }

    /// Joins the key's probe rows at or below the watermark, in arrival order, and drops the
    /// versions no later probe row can choose.
    private func fire(_ state: inout KeyState, key: [Value]?, at watermark: Int64) throws {
        var waiting: [Probe] = []
        for probe in state.probes {
            guard probe.time <= watermark else {
                waiting.append(probe)
                continue
            }
            var match = state.versions.last(where: { $0.time <= probe.time })?.row
            if let candidate = match, try !matcher.residualHolds(probe.row, port: 0, candidates: [candidate])[0] { match = nil }
            if match != nil || plan.kind == .left { matcher.emit(left: probe.row, right: match) }
        }
        count -= state.probes.count - waiting.count
        state.probes = waiting
        if let next = waiting.map(\.time).min() { setTimer(next, key: key, in: &state) }
        if watermark != Watermark.end, let newest = state.versions.lastIndex(where: { $0.time <= watermark }), newest > 0 {
            state.versions.removeFirst(newest)
            count -= newest
        }
    }

    public var stateFormat: StateFormat { StateFormat(kind: "temporal-join", version: 2) }
}

extension TemporalJoin {
    /// The input watermarks, the time timers fired up to, and per key its versions in time order
    /// (a deletion as an absent row), its waiting probe rows in arrival order and its timer.
    public func snapshot(into writer: inout StateWriter) throws {
        watermarks.save(into: &writer)
        writer.write(operatorTime)
        writer.write(sequence)
        writer.write(keys.count)
        for (key, state) in keys {
            writer.write(optionalRow: key)
            writer.write(state.versions.count)
            for version in state.versions {
                writer.write(version.time)
                writer.write(optionalRow: version.row)
            }
            writer.write(state.probes.count)
            for probe in state.probes {
                writer.write(probe.sequence)
                writer.write(probe.time)
                writer.write(row: probe.row)
            }
            writer.write(state.timer != nil)
            writer.write(state.timer ?? 0)
        }
    }

    public func restore(from reader: inout StateReader) throws {
        guard keys.isEmpty else { throw SQLError.internal("restoring a temporal join that holds state") }
        try watermarks.restore(from: &reader)
        operatorTime = try reader.readInt64()
        sequence = try reader.readInt()
        var restored: [Timer] = []
        for _ in 0..<(try reader.readCount()) {
            let key = try reader.readOptionalRow()
            var state = KeyState()
            for _ in 0..<(try reader.readCount()) {
                state.versions.append(Version(time: try reader.readInt64(), row: try reader.readOptionalRow()))
            }
            for _ in 0..<(try reader.readCount()) {
                state.probes.append(Probe(sequence: try reader.readInt(), time: try reader.readInt64(), row: try reader.readRow()))
            }
            let hasTimer = try reader.readBool()
            let timer = try reader.readInt64()
            if hasTimer {
                state.timer = timer
                restored.append(Timer(time: timer, sequence: state.probes.first?.sequence ?? 0, key: key))
            }
            count += state.versions.count + state.probes.count
            keys[key] = state
        }
        timers = Heap(restored)
    }
}
