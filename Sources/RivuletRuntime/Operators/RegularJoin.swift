public import RivuletCore
public import RivuletPlanner

/// An unbounded join of two inputs (inner, left, right or full) on equal keys plus a residual
/// condition, producing a changelog. Both sides keep their rows per key; inputs may be
/// changelogs. An outer row is emitted NULL-padded while it has no match and retracted (`-D`)
/// when its first match arrives, re-emitted when its last match goes away. A keyed table read
/// as stored (each row the latest for its primary key) is applied as upserts.
///
/// With a state TTL, rows not touched for that long (measured in event time, by the larger of
/// the two input watermarks) are forgotten without retraction: approximate, as in Flink.
public final class RegularJoin: StreamOperator {
    private struct Entry {
        var row: [Value]
        /// Matches on the other side, for outer rows.
        var matches: Int
        var touched: Int64
    }

    private let plan: StreamPlan.Join
    private var matcher: JoinMatcher
    private var sides: [[[Value]: [Entry]]] = [[:], [:]]
    private let upsertKeys: [[Int]?]
    /// Per side, upsert key → the row stored under it and its join key.
    private var upsertIndex: [[[Value]: (key: [Value]?, row: [Value])]] = [[:], [:]]
    private var watermarks = InputWatermarks()
    private var count = 0

    public init(_ plan: StreamPlan.Join) throws(SQLError) {
        self.plan = plan
        matcher = try JoinMatcher(plan, changelog: true)
        upsertKeys = [plan.left.upsertKey, plan.right.upsertKey]
    }

    public var stateSize: Int { count }

    private func keepsUnmatched(_ port: Int) -> Bool {
        port == 0 ? plan.kind.keepsLeftUnmatched : plan.kind.keepsRightUnmatched
    }

    private var now: Int64 { max(watermarks.ports[0], watermarks.ports[1]) }
    /// Whether some row was stored or matched while there was no watermark yet.
    private var touchedBeforeWatermark = false

    public func process(_ batch: RowBatch, port: Int, into output: inout Collector) throws {
        for row in 0..<batch.count {
            let values = matcher.values(batch, row, port: port)
            let key = matcher.key(batch, row, port: port)
            if let upsert = upsertKeys[port] {
                let id = upsert.map { values[$0] }
                if let previous = upsertIndex[port].removeValue(forKey: id) {
                    try retract(previous.row, key: previous.key, port: port)
                }
                if batch.kind(row).isAccumulate {
                    upsertIndex[port][id] = (key, values)
                    try accumulate(values, key: key, port: port)
                }
                continue
            }
            if batch.kind(row).isAccumulate {
                try accumulate(values, key: key, port: port)
            } else {
                try retract(values, key: key, port: port)
            }
        }
        matcher.flush(into: &output)
    }

    private func emit(_ row: [Value], with other: [Value]?, port: Int, kind: RowKind) {
        if port == 0 { matcher.emit(left: row, right: other, kind: kind) } else { matcher.emit(left: other, right: row, kind: kind) }
    }

    private func accumulate(_ values: [Value], key: [Value]?, port: Int) throws {
        let other = 1 - port
        guard let key else {
            if keepsUnmatched(port) { emit(values, with: nil, port: port, kind: .insert) }
            return
        }
        var matched = 0
        if var candidates = sides[other][key] {
            let holds = try matcher.residualHolds(values, port: port, candidates: candidates.map(\.row))
            for i in candidates.indices where holds[i] {
                if keepsUnmatched(other), candidates[i].matches == 0 {
                    emit(candidates[i].row, with: nil, port: other, kind: .delete)
                }
                candidates[i].matches += 1
                candidates[i].touched = now
                emit(values, with: candidates[i].row, port: port, kind: .insert)
                matched += 1
            }
            sides[other][key] = candidates
        }
        if matched == 0, keepsUnmatched(port) { emit(values, with: nil, port: port, kind: .insert) }
        sides[port][key, default: []].append(Entry(row: values, matches: matched, touched: now))
        if now == Watermark.none { touchedBeforeWatermark = true }
        count += 1
    }

    private func retract(_ values: [Value], key: [Value]?, port: Int) throws {
        let other = 1 - port
        guard let key else {
            if keepsUnmatched(port) { emit(values, with: nil, port: port, kind: .delete) }
            return
        }
        guard var stored = sides[port][key], let index = stored.firstIndex(where: { $0.row == values }) else {
            return  // never seen (or forgotten by the TTL): nothing to retract
        }
        stored.remove(at: index)
        sides[port][key] = stored.isEmpty ? nil : stored
        count -= 1
        var matched = 0
        if var candidates = sides[other][key] {
            let holds = try matcher.residualHolds(values, port: port, candidates: candidates.map(\.row))
            for i in candidates.indices where holds[i] {
                emit(values, with: candidates[i].row, port: port, kind: .delete)
                candidates[i].matches -= 1
                if keepsUnmatched(other), candidates[i].matches == 0 {
                    emit(candidates[i].row, with: nil, port: other, kind: .insert)
                }
                matched += 1
            }
            sides[other][key] = candidates
        }
        if matched == 0, keepsUnmatched(port) { emit(values, with: nil, port: port, kind: .delete) }
    }

    public func watermarkAdvanced(to watermark: Int64, port: Int, into output: inout Collector) throws -> Int64? {
        let combined = watermarks.advance(port, to: watermark)
        if let ttl = plan.stateTTLMillis, now != Watermark.end, now != Watermark.none {
            let horizon = now &- ttl
            for side in 0..<2 {
                for (key, entries) in sides[side] {
                    var kept = entries
                    if touchedBeforeWatermark {
                        // Rows stored before the first watermark are timed from it, not expired at once.
                        for i in kept.indices where kept[i].touched == Watermark.none { kept[i].touched = now }
                    }
                    kept.removeAll { $0.touched < horizon }
                    if touchedBeforeWatermark || kept.count != entries.count {
                        count -= entries.count - kept.count
                        sides[side][key] = kept.isEmpty ? nil : kept
                    }
                }
            }
            touchedBeforeWatermark = false
        }
        return combined
    }

    public func describe() -> String {
        "RegularJoin: \(plan.kind.rawValue) keys=\(plan.leftKeys)=\(plan.rightKeys)" + (plan.stateTTLMillis.map { " ttl=\($0)ms" } ?? "")
    }
}

extension RegularJoin {
    /// Both sides' rows per key with their match counts and last touch, the rows stored under
    /// each upsert key, and the input watermarks.
    public func snapshot(into writer: inout StateWriter) throws {
        watermarks.save(into: &writer)
        writer.write(touchedBeforeWatermark)
        for side in 0..<2 {
            writer.write(sides[side].count)
            for (key, entries) in sides[side] {
                writer.write(row: key)
                writer.write(entries.count)
                for entry in entries {
                    writer.write(row: entry.row)
                    writer.write(entry.matches)
                    writer.write(entry.touched)
                }
            }
            writer.write(upsertIndex[side].count)
            for (id, stored) in upsertIndex[side] {
                writer.write(row: id)
                writer.write(optionalRow: stored.key)
                writer.write(row: stored.row)
            }
        }
    }

    public func restore(from reader: inout StateReader) throws {
        guard count == 0 else { throw SQLError.internal("restoring a join that holds state") }
        try watermarks.restore(from: &reader)
        touchedBeforeWatermark = try reader.readBool()
        for side in 0..<2 {
            for _ in 0..<(try reader.readCount()) {
                let key = try reader.readRow()
                var entries: [Entry] = []
                for _ in 0..<(try reader.readCount()) {
                    entries.append(Entry(row: try reader.readRow(), matches: try reader.readInt(), touched: try reader.readInt64()))
                }
                sides[side][key] = entries
                count += entries.count
            }
            for _ in 0..<(try reader.readCount()) {
                let id = try reader.readRow()
                upsertIndex[side][id] = (try reader.readOptionalRow(), try reader.readRow())
            }
        }
    }
}
