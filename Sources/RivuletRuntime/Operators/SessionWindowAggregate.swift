public import RivuletCore
public import RivuletPlanner
import Collections

/// GROUP BY keys over session windows: per key, rows within `gap` of each other share a session.
///
/// A session spans `[start, last + gap)`; a row at `ts` joins every open session of its key with
/// `start − gap ≤ ts ≤ last + gap` (intervals that overlap or touch, as Flink merges them), and a
/// row that bridges two sessions merges them. The output `window_end` is `last + gap`
/// (Flink, exclusive) or `last` (ksqlDB `WINDOWEND`, inclusive). A session closes when the
/// watermark reaches `last + gap − 1 + grace`: in final mode it then emits its one row (ordered by
/// end, then key); in changes mode each row emits `+I`, or `-U`/`+U` when the session's bounds
/// stay the same, or `-D` for every old session and `+I` for the grown or merged one.
/// A row that can join no open session and whose own session would already be closed is late.
public final class SessionWindowAggregate: StreamOperator {
    private struct Session {
        var start: Int64
        var last: Int64
        var slot: Int32
    }

    /// A queued closing of the session in `slot`. `closeAt` may be earlier than the session's
    /// real close (it grew since): `fire` re-queues such entries and skips those whose session merged away.
    private struct Closing: Comparable {
        var closeAt: Int64
        var key: Int32
        var slot: Int32

        static func < (a: Closing, b: Closing) -> Bool { a.closeAt < b.closeAt }
    }

    private let plan: StreamPlan.WindowAggregate
    private let gap: Int64
    private let grace: Int64
    private let timeColumn: Int
    private let emitChanges: Bool
    private let inclusiveEnd: Bool
    private let keys: GroupKeyTable
    private let slots: AggregateSlots
    private var output: ChangelogBuilder
    private var sessionsByKey: [[Session]] = []
    private var closing = Heap<Closing>()
    private var watermark = Watermark.none
    private let late = LateRowCounter()
    public var lateRowCounter: LateRowCounter? { late }

    private var keyIds: [Int32] = []
    private var pendingRows: [Int32] = []
    private var pendingSlots: [Int32] = []
    private var singleRow: [Int32] = [0]
    private var singleSlot: [Int32] = [0]
    private var matches: [Int] = []

    public init(_ plan: StreamPlan.WindowAggregate) throws(SQLError) {
        guard case .session(let gap) = plan.window.kind else {
            throw SQLError.internal("SessionWindowAggregate needs a SESSION window, got \(plan.window)")
        }
        guard gap > 0 else { throw SQLError(.invalidParameterValue, "session gap must be positive") }
        let input = plan.input.schema
        self.plan = plan
        self.gap = gap
        grace = plan.window.closeDelay
        timeColumn = plan.window.timeColumn
        emitChanges = plan.emit == .changes
        inclusiveEnd = plan.window.dialect == .ksql
        keys = GroupKeyTable(keyColumns: plan.keys, keyTypes: plan.keys.map { input[$0].type })
        slots = try AggregateSlots(plan.aggregates, input: input, retractable: false)
        output = ChangelogBuilder(types: plan.schema.types, isChangelog: emitChanges)
    }

    public var keepsState: Bool { true }
    public var stateSize: Int { slots.liveCount }

    public func process(_ batch: RowBatch, port: Int, into collector: inout Collector) throws {
        if let kinds = batch.kinds, kinds.contains(where: { $0 != .insert }) {
            throw SQLError.unsupported("session window aggregation over an updating input is not supported")
        }
        keys.intern(batch, into: &keyIds)
        if sessionsByKey.count < keys.idCapacity {
            sessionsByKey.append(contentsOf: repeatElement([], count: keys.idCapacity - sessionsByKey.count))
        }
        let times = batch.columns[timeColumn]
        let arrival = batch.arrivalWatermarks
        let keyIds = keyIds
        let gap = gap
        // The common case, a row that falls into its key's only open session in final mode, runs
        // on locals; anything else hands the state back to `add` and `fire`.
        var sessions = sessionsByKey
        var rows = pendingRows
        var rowSlots = pendingSlots
        sessionsByKey = []
        pendingRows = []
        pendingSlots = []
        var nextClose = closing.min?.closeAt ?? .max
        for row in 0..<batch.count {
            let rowWatermark = arrival?[row] ?? watermark
            if nextClose <= rowWatermark {
                swap(&sessions, &sessionsByKey)
                swap(&rows, &pendingRows)
                swap(&rowSlots, &pendingSlots)
                flushPending(batch)
                fire(upTo: rowWatermark)
                swap(&sessions, &sessionsByKey)
                swap(&rows, &pendingRows)
                swap(&rowSlots, &pendingSlots)
                nextClose = closing.min?.closeAt ?? .max
            }
            if times.isNull(row) {
                late.drop(batch, row: row, watermark: rowWatermark)
                continue
            }
            let ts = times.ints[row]
            let k = Int(keyIds[row])
            if !emitChanges, sessions[k].count == 1 {
                let session = sessions[k][0]
                if ts <= session.last &+ gap, ts &+ gap >= session.start, closeAt(session) > rowWatermark {
                    if ts > session.last { sessions[k][0].last = ts }
                    if ts < session.start { sessions[k][0].start = ts }
                    rows.append(Int32(row))
                    rowSlots.append(session.slot)
                    continue
                }
            }
            swap(&sessions, &sessionsByKey)
            swap(&rows, &pendingRows)
            swap(&rowSlots, &pendingSlots)
            add(batch, row: row, ts: ts, key: keyIds[row], watermark: rowWatermark)
            swap(&sessions, &sessionsByKey)
            swap(&rows, &pendingRows)
            swap(&rowSlots, &pendingSlots)
            nextClose = closing.min?.closeAt ?? .max
        }
        sessionsByKey = sessions
        pendingRows = rows
        pendingSlots = rowSlots
        flushPending(batch)
        keys.sweep()
        output.flush(into: &collector)
    }

    public func watermarkAdvanced(to watermark: Int64, port: Int, into collector: inout Collector) throws -> Int64? {
        guard watermark > self.watermark else { return watermark }
        self.watermark = watermark
        fire(upTo: watermark)
        keys.sweep()
        output.flush(into: &collector)
        return watermark
    }

    public var stateFormat: StateFormat { StateFormat(kind: "session-window-aggregate", version: 1) }

    /// The open sessions of every key, in order, with their accumulators.
    public func snapshot(into writer: inout StateWriter) throws {
        writer.write(watermark)
        writer.write(late.count)
        let live = sessionsByKey.indices.filter { !sessionsByKey[$0].isEmpty }.map { Int32($0) }
        keys.save(live, into: &writer)
        for key in live {
            let sessions = sessionsByKey[Int(key)]
            writer.write(sessions.count)
            for session in sessions {
                writer.write(session.start)
                writer.write(session.last)
                slots.save(session.slot, into: &writer)
            }
        }
    }

    public func restore(from reader: inout StateReader) throws {
        guard closing.isEmpty else { throw SQLError.internal("restoring a session window aggregate that holds state") }
        watermark = try reader.readInt64()
        late.restore(count: try reader.readInt())
        var ids: [Int32] = []
        try keys.restoreKeys(from: &reader, into: &ids)
        if sessionsByKey.count < keys.idCapacity {
            sessionsByKey.append(contentsOf: repeatElement([], count: keys.idCapacity - sessionsByKey.count))
        }
        for key in ids {
            for _ in 0..<(try reader.readCount()) {
                let session = Session(start: try reader.readInt64(), last: try reader.readInt64(), slot: slots.allocate())
                try slots.load(session.slot, from: &reader)
                keys.retain(key)
                sessionsByKey[Int(key)].append(session)
                closing.insert(Closing(closeAt: closeAt(session), key: key, slot: session.slot))
            }
        }
        keys.sweep()
    }

    @inline(__always)
    private func closeAt(_ session: Session) -> Int64 { session.last &+ gap &- 1 &+ grace }

    private func add(_ batch: RowBatch, row: Int, ts: Int64, key: Int32, watermark: Int64) {
        let k = Int(key)
        matches.removeAll(keepingCapacity: true)
        for (i, session) in sessionsByKey[k].enumerated()
        where ts <= session.last &+ gap && ts &+ gap >= session.start && closeAt(session) > watermark {
            matches.append(i)
        }
        if matches.isEmpty {
            guard ts &+ gap &- 1 &+ grace > watermark else {
                late.drop(batch, row: row, watermark: watermark, window: (ts, ts &+ gap))
                return
            }
            let session = Session(start: ts, last: ts, slot: slots.allocate())
            keys.retain(key)
            sessionsByKey[k].append(session)
            closing.insert(Closing(closeAt: closeAt(session), key: key, slot: session.slot))
            addRow(batch, row: row, slot: session.slot)
            if emitChanges { appendRow(key: key, session, kind: .insert) }
            return
        }
        let targetIndex = matches[0]
        let old = sessionsByKey[k][targetIndex]
        var merged = old
        for i in matches {
            merged.start = min(merged.start, sessionsByKey[k][i].start)
            merged.last = max(merged.last, sessionsByKey[k][i].last)
        }
        merged.start = min(merged.start, ts)
        merged.last = max(merged.last, ts)
        let boundsChanged = matches.count > 1 || merged.start != old.start || merged.last != old.last
        if emitChanges {
            if boundsChanged {
                for i in matches { appendRow(key: key, sessionsByKey[k][i], kind: .delete) }
            } else {
                appendRow(key: key, old, kind: .updateBefore)
            }
        }
        if matches.count > 1 {
            flushPending(batch)
            for i in matches.dropFirst() {
                slots.merge(from: sessionsByKey[k][i].slot, into: merged.slot)
                slots.free(sessionsByKey[k][i].slot)
                keys.release(key)
            }
            for i in matches.dropFirst().reversed() { sessionsByKey[k].remove(at: i) }
        }
        // The session's queued closing stays as it is, earlier than its new close: `fire`
        // re-queues a session it finds still open, so a growing session costs no heap work per row.
        sessionsByKey[k][targetIndex] = merged
        addRow(batch, row: row, slot: merged.slot)
        if emitChanges { appendRow(key: key, merged, kind: boundsChanged ? .insert : .updateAfter) }
    }

    private func addRow(_ batch: RowBatch, row: Int, slot: Int32) {
        if emitChanges {
            singleRow[0] = Int32(row)
            singleSlot[0] = slot
            slots.accumulate(batch, rows: singleRow, slots: singleSlot)
        } else {
            pendingRows.append(Int32(row))
            pendingSlots.append(slot)
        }
    }

    private func flushPending(_ batch: RowBatch) {
        guard !pendingRows.isEmpty else { return }
        slots.accumulate(batch, rows: pendingRows, slots: pendingSlots)
        pendingRows.removeAll(keepingCapacity: true)
        pendingSlots.removeAll(keepingCapacity: true)
    }

    private func appendRow(key: Int32, _ session: Session, kind: RowKind) {
        let keyCount = keys.keyColumns.count
        keys.appendKey(key, into: &output.columns, at: 0)
        output.columns[keyCount].appendInt(session.start)
        output.columns[keyCount + 1].appendInt(inclusiveEnd ? session.last : session.last &+ gap)
        slots.appendResults(session.slot, into: &output.columns, at: keyCount + 2)
        output.finishRow(kind)
    }

    /// Closes every session due at `watermark`: emits them (final mode) ordered by end, then key.
    private func fire(upTo watermark: Int64) {
        var due: [(key: Int32, session: Session)] = []
        while let next = closing.min, next.closeAt <= watermark {
            _ = closing.removeMin()
            let k = Int(next.key)
            // An entry whose session merged away finds nothing; one whose slot was reused finds a
            // session that has its own entry, and is closed only if that session is due as well.
            guard k < sessionsByKey.count, let index = sessionsByKey[k].firstIndex(where: { $0.slot == next.slot })
            else { continue }
            let session = sessionsByKey[k][index]
            let closesAt = closeAt(session)
            if closesAt > watermark {
                closing.insert(Closing(closeAt: closesAt, key: next.key, slot: next.slot))
                continue
            }
            due.append((next.key, session))
            sessionsByKey[k].remove(at: index)
        }
        guard !due.isEmpty else { return }
        due.sort { a, b in
            if a.session.last != b.session.last { return a.session.last < b.session.last }
            if a.key != b.key { return keys.precedes(a.key, b.key) }
            return a.session.start < b.session.start
        }
        for (key, session) in due {
            if !emitChanges { appendRow(key: key, session, kind: .insert) }
            slots.free(session.slot)
            keys.release(key)
        }
    }
}
