public import RivuletCore
public import RivuletPlanner

/// A window semi or anti join: both inputs windowed and joined on their window bounds (plus
/// keys). Each window's left rows and right keys are kept until the window has closed on both
/// inputs (the combined watermark reaches `window_end - 1 ms`); then the left rows that have
/// (semi) or lack (anti) a match are emitted once, in arrival order, and the window is freed.
/// Append-only. A row whose window had closed when it arrived is late: dropped and counted.
public final class WindowSemiJoin: StreamOperator {
    private struct Window {
        var left: [[Value]] = []
        var right: [[Value]: Int] = [:]
        /// Right rows with a NULL key, for `NOT IN`.
        var rightNulls = 0
        var rightTotal = 0
    }

    private let plan: StreamPlan.SemiJoin
    private let leftTypes: [SQLType]
    private let rightTypes: [SQLType]
    private let ends: (left: Int, right: Int)
    private var windows: [Int64: Window] = [:]
    private var watermarks = InputWatermarks()
    private let late = LateRowCounter()
    public var lateRowCounter: LateRowCounter? { late }

    public init(_ plan: StreamPlan.SemiJoin) throws(SQLError) {
        guard let ends = plan.windowEnd, plan.left.appendOnly, plan.right.appendOnly else {
            throw SQLError.internal("a window semi join needs two append-only windowed inputs")
        }
        self.plan = plan
        self.ends = ends
        leftTypes = plan.left.schema.types
        rightTypes = plan.right.schema.types
    }

    public var keepsState: Bool { true }
    public var stateSize: Int { windows.values.reduce(0) { $0 + $1.left.count + $1.right.count } }

    public func process(_ batch: RowBatch, port: Int, into output: inout Collector) throws {
        let endColumn = batch.columns[port == 0 ? ends.left : ends.right]
        for row in 0..<batch.count where !endColumn.isNull(row) {
            let end = endColumn.ints[row]
            let arrival = watermarks.arrival(batch, row: row, port: port)
            if end - 1 <= arrival {
                late.drop(batch, row: row, port: port, watermark: arrival)
                continue
            }
            if port == 0 {
                windows[end, default: Window()].left.append(batch.row(row, types: leftTypes))
                continue
            }
            let key = plan.rightKeys.map { batch.columns[$0].value(at: row, type: rightTypes[$0]) }
            let isNull = key.contains(.null)
            if isNull, plan.nulls == .neverMatch { continue }
            windows[end, default: Window()].rightTotal += 1
            if isNull, plan.nulls == .notIn {
                windows[end]!.rightNulls += 1
            } else {
                windows[end]!.right[key, default: 0] += 1
            }
        }
    }

    public func watermarkAdvanced(to watermark: Int64, port: Int, into output: inout Collector) throws -> Int64? {
        guard let combined = watermarks.advance(port, to: watermark) else { return nil }
        var out = RowBatch(types: leftTypes)
        for end in windows.keys.filter({ $0 - 1 <= combined }).sorted() {
            let window = windows.removeValue(forKey: end)!
            for values in window.left where visible(values, in: window) { out.appendRow(values) }
        }
        output.emit(out)
        return combined
    }

    /// Whether a left row is emitted: it has a match (semi) or none (anti), by the NULL rule.
    private func visible(_ values: [Value], in window: Window) -> Bool {
        let key = plan.leftKeys.map { values[$0] }
        let matched: Bool
        switch plan.nulls {
        case .equal: matched = window.right[key] != nil
        case .neverMatch: matched = !key.contains(.null) && window.right[key] != nil
        case .notIn:
            matched = key.contains(.null) ? window.rightTotal > 0 : window.right[key] != nil || window.rightNulls > 0
        }
        return matched != plan.anti
    }

    public var stateFormat: StateFormat { StateFormat(kind: "window-semi-join", version: 1) }

    public func snapshot(into writer: inout StateWriter) throws {
        watermarks.save(into: &writer)
        writer.write(late.count)
        writer.write(windows.count)
        for (end, window) in windows {
            writer.write(end)
            writer.write(window.rightNulls)
            writer.write(window.rightTotal)
            writer.write(window.left.count)
            for row in window.left { writer.write(row: row) }
            writer.write(window.right.count)
            for (key, count) in window.right {
                writer.write(row: key)
                writer.write(count)
            }
        }
    }

    public func restore(from reader: inout StateReader) throws {
        try watermarks.restore(from: &reader)
        late.restore(count: try reader.readInt())
        for _ in 0..<(try reader.readCount()) {
            let end = try reader.readInt64()
            var window = Window()
            window.rightNulls = try reader.readInt()
            window.rightTotal = try reader.readInt()
            for _ in 0..<(try reader.readCount()) { window.left.append(try reader.readRow()) }
            for _ in 0..<(try reader.readCount()) {
                let key = try reader.readRow()
                window.right[key] = try reader.readInt()
            }
            windows[end] = window
        }
    }
}
