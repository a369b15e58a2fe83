public import RivuletCore
public import RivuletPlanner

/// `TABLE(SESSION(TABLE t [PARTITION BY k], DESCRIPTOR(ts), gap))` read without aggregation: every
/// row once, with its session's `window_start`, `window_end` and `window_time` appended, as Flink
/// gives them.
///
/// Sessions are kept per partition key exactly as `SessionWindowAggregate` keeps them (a row at
/// `ts` joins every open session with `start − gap ≤ ts ≤ last + gap`, bridging rows merge
/// sessions), but they buffer their rows instead of accumulators. A session closes when the
/// watermark reaches `last + gap − 1`; its rows are then emitted in arrival order, sessions
/// ordered by end, then key, then start. A row that can join no open session and whose own session
/// would already be closed is late: counted and dropped. The input must be append-only.
public final class SessionWindowTable: StreamOperator {
    private struct Session {
        var start: Int64
        var last: Int64
        var rows: [[Value]]
    }

    private let plan: StreamPlan.WindowTable
    private let gap: Int64
    private let types: [SQLType]
    private var sessions: [[Value]: [Session]] = [:]
    private var output: ChangelogBuilder
    private var watermark = Watermark.none
    private var count = 0
    private let late = LateRowCounter()
    public var lateRowCounter: LateRowCounter? { late }

    public init(_ plan: StreamPlan.WindowTable) throws(SQLError) {
        guard case .session(let gap) = plan.window.kind else {
            throw SQLError.internal("SessionWindowTable needs a SESSION window, got \(plan.window)")
        }
        guard gap > 0 else { throw SQLError(.invalidParameterValue, "session gap must be positive") }
        self.plan = plan
        self.gap = gap
        types = plan.input.schema.types
        output = ChangelogBuilder(types: plan.schema.types, isChangelog: false)
    }

    public var keepsState: Bool { true }
    public var stateSize: Int { count }

    public func process(_ batch: RowBatch, port: Int, into collector: inout Collector) throws {
        if let kinds = batch.kinds, kinds.contains(where: { $0 != .insert }) {
            throw SQLError.unsupported("a SESSION window over an updating input is not supported")
        }
        let times = batch.columns[plan.window.timeColumn]
        for row in 0..<batch.count {
            let arrival = batch.arrivalWatermarks?[row] ?? watermark
            // Sessions due before this row arrived close first, as they would have in order.
            fire(upTo: arrival)
            if times.isNull(row) {
                late.drop(batch, row: row, watermark: arrival)
                continue
            }
            let ts = times.ints[row]
            let values = batch.row(row, types: types)
            let key = plan.partitionKeys.map { values[$0] }
            var open = sessions[key] ?? []
            let matches = open.indices.filter { i in
                ts <= open[i].last &+ gap && ts &+ gap >= open[i].start && closeAt(open[i]) > arrival
            }
            if matches.isEmpty {
                guard ts &+ gap &- 1 > arrival else {
                    late.drop(batch, row: row, watermark: arrival, window: (ts, ts &+ gap))
                    continue
                }
                open.append(Session(start: ts, last: ts, rows: [values]))
            } else {
                var merged = open[matches[0]]
                for i in matches.dropFirst() {
                    merged.start = min(merged.start, open[i].start)
                    merged.last = max(merged.last, open[i].last)
                    merged.rows += open[i].rows
                }
                merged.start = min(merged.start, ts)
                merged.last = max(merged.last, ts)
                merged.rows.append(values)
                open[matches[0]] = merged
                for i in matches.dropFirst().reversed() { open.remove(at: i) }
            }
            count += 1
            sessions[key] = open
        }
        output.flush(into: &collector)
    }

    public func watermarkAdvanced(to watermark: Int64, port: Int, into collector: inout Collector) throws -> Int64? {
        fire(upTo: watermark)
        output.flush(into: &collector)
        return watermark
    }

    @inline(__always)
    private func closeAt(_ session: Session) -> Int64 { session.last &+ gap &- 1 }

    /// Emits and forgets every session closed at `watermark`.
    private func fire(upTo watermark: Int64) {
        guard watermark > self.watermark else { return }
        self.watermark = watermark
        var due: [(key: [Value], session: Session)] = []
        for key in Array(sessions.keys) {
            var open = sessions[key]!
            let closed = open.filter { closeAt($0) <= watermark }
            guard !closed.isEmpty else { continue }
            due += closed.map { (key, $0) }
            open.removeAll { closeAt($0) <= watermark }
            sessions[key] = open.isEmpty ? nil : open
        }
        guard !due.isEmpty else { return }
        due.sort { a, b in
            if a.session.last != b.session.last { return a.session.last < b.session.last }
            if a.key != b.key { return Self.keyOrder(a.key, b.key) }
            return a.session.start < b.session.start
        }
        for (_, session) in due {
            let end = session.last &+ gap
            for row in session.rows {
                for (i, value) in row.enumerated() { output.columns[i].append(value) }
                output.columns[row.count].append(.timestamp(session.start))
                output.columns[row.count + 1].append(.timestamp(end))
                output.columns[row.count + 2].append(.timestamp(end &- 1))
                output.finishRow(.insert)
            }
            count -= session.rows.count
        }
    }

    private static func keyOrder(_ a: [Value], _ b: [Value]) -> Bool {
        for (x, y) in zip(a, b) {
            let order = ValueOrder.compare(x, y)
            if order != 0 { return order < 0 }
        }
        return false
    }

    public var stateFormat: StateFormat { StateFormat(kind: "session-window-table", version: 1) }

    /// The open sessions of every partition with their rows, the watermark and the late count.
    public func snapshot(into writer: inout StateWriter) throws {
        writer.write(watermark)
        writer.write(late.count)
        writer.write(sessions.count)
        for (key, open) in sessions {
            writer.write(row: key)
            writer.write(open.count)
            for session in open {
                writer.write(session.start)
                writer.write(session.last)
                writer.write(session.rows.count)
                for row in session.rows { writer.write(row: row) }
            }
        }
    }

    public func restore(from reader: inout StateReader) throws {
        guard sessions.isEmpty else { throw SQLError.internal("restoring a session window table that holds state") }
        watermark = try reader.readInt64()
        late.restore(count: try reader.readInt())
        for _ in 0..<(try reader.readCount()) {
            let key = try reader.readRow()
            var open: [Session] = []
            for _ in 0..<(try reader.readCount()) {
                var session = Session(start: try reader.readInt64(), last: try reader.readInt64(), rows: [])
                for _ in 0..<(try reader.readCount()) { session.rows.append(try reader.readRow()) }
                count += session.rows.count
                open.append(session)
            }
            sessions[key] = open
        }
    }
}
