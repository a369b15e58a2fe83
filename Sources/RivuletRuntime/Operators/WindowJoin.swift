public import RivuletCore
public import RivuletPlanner

/// Joins two windowed, append-only inputs on equal `window_start`, `window_end` and keys. Each
/// window's rows are buffered per key and joined when the combined watermark closes the window
/// (watermark ≥ window_end − 1 ms); outer rows are emitted then, and the window's state freed.
/// A row arriving for a window already closed is late: counted and dropped.
public final class WindowJoin: StreamOperator {
    private struct Window {
        var sides: [[[Value]: [[Value]]]] = [[:], [:]]
        var unmatchable: [[[Value]]] = [[], []]
    }

    private let plan: StreamPlan.Join
    private let endColumns: [Int]
    private var matcher: JoinMatcher
    private var windows: [Int64: Window] = [:]
    private var watermarks = InputWatermarks()
    private var count = 0
    private let late = LateRowCounter()
    public var lateRowCounter: LateRowCounter? { late }

    public init(_ plan: StreamPlan.Join) throws(SQLError) {
        guard let leftEnd = plan.leftTime, let rightEnd = plan.rightTime else {
            throw SQLError.internal("WindowJoin needs the window_end column of both inputs")
        }
        self.plan = plan
        endColumns = [leftEnd, rightEnd]
        matcher = try JoinMatcher(plan, changelog: false)
    }

    public var keepsState: Bool { true }
    public var stateSize: Int { count }

    private func keepsUnmatched(_ port: Int) -> Bool {
        port == 0 ? plan.kind.keepsLeftUnmatched : plan.kind.keepsRightUnmatched
    }

    public func process(_ batch: RowBatch, port: Int, into output: inout Collector) throws {
        let ends = batch.columns[endColumns[port]]
        for row in 0..<batch.count {
            if ends.isNull(row) { continue }
            let end = ends.ints[row]
            let arrival = watermarks.arrival(batch, row: row, port: port)
            if end - 1 <= arrival {
                late.drop(batch, row: row, port: port, watermark: arrival)
                continue
            }
            let values = matcher.values(batch, row, port: port)
            if let key = matcher.key(batch, row, port: port) {
                windows[end, default: Window()].sides[port][key, default: []].append(values)
            } else if keepsUnmatched(port) {
                windows[end, default: Window()].unmatchable[port].append(values)
            } else {
                continue
            }
            count += 1
        }
    }

    public func watermarkAdvanced(to watermark: Int64, port: Int, into output: inout Collector) throws -> Int64? {
        guard let combined = watermarks.advance(port, to: watermark) else { return nil }
        // Sorted only when a window closes: the watermark moves after every run, often of a row or two.
        if let first = windows.keys.min(), first - 1 <= combined {
            for end in windows.keys.sorted() where end - 1 <= combined {
                let window = windows.removeValue(forKey: end)!
                try close(window)
            }
        }
        matcher.flush(into: &output)
        return combined
    }

    private func close(_ window: Window) throws {
        var keys = Array(Set(window.sides[0].keys).union(window.sides[1].keys))
        keys.sort { a, b in
            for (x, y) in zip(a, b) where x != y { return ValueOrder.compare(x, y) < 0 }
            return false
        }
        // The residual condition is tested on all the window's pairs in one batch, not one per row.
        var pairs: [(left: [Value], right: [Value])] = []
        if matcher.residual != nil {
            for key in keys {
                for left in window.sides[0][key] ?? [] {
                    for right in window.sides[1][key] ?? [] { pairs.append((left, right)) }
                }
            }
        }
        let holds = try matcher.residualHolds(pairs: pairs)
        var pair = 0
        for key in keys {
            let lefts = window.sides[0][key] ?? []
            let rights = window.sides[1][key] ?? []
            count -= lefts.count + rights.count
            var rightMatched = Array(repeating: false, count: rights.count)
            for left in lefts {
                var matched = false
                for (i, right) in rights.enumerated() {
                    defer { pair += 1 }
                    guard holds?[pair] ?? true else { continue }
                    matcher.emit(left: left, right: right)
                    matched = true
                    rightMatched[i] = true
                }
                if !matched, keepsUnmatched(0) { matcher.emit(left: left, right: nil) }
            }
            if keepsUnmatched(1) {
                for (i, right) in rights.enumerated() where !rightMatched[i] { matcher.emit(left: nil, right: right) }
            }
        }
        for left in window.unmatchable[0] { matcher.emit(left: left, right: nil) }
        for right in window.unmatchable[1] { matcher.emit(left: nil, right: right) }
        count -= window.unmatchable[0].count + window.unmatchable[1].count
    }

    public var stateFormat: StateFormat { StateFormat(kind: "window-join", version: 1) }
}

extension WindowJoin {
    /// The open windows, each with both sides' rows per key and its rows without a key, and
    /// the input watermarks.
    public func snapshot(into writer: inout StateWriter) throws {
        watermarks.save(into: &writer)
        writer.write(late.count)
        writer.write(windows.count)
        for (end, window) in windows {
            writer.write(end)
            for side in 0..<2 {
                writer.write(window.sides[side].count)
                for (key, rows) in window.sides[side] {
                    writer.write(row: key)
                    writer.write(rows.count)
                    for row in rows { writer.write(row: row) }
                }
                writer.write(window.unmatchable[side].count)
                for row in window.unmatchable[side] { writer.write(row: row) }
            }
        }
    }

    public func restore(from reader: inout StateReader) throws {
        guard count == 0 else { throw SQLError.internal("restoring a window join that holds state") }
        try watermarks.restore(from: &reader)
        late.restore(count: try reader.readInt())
        for _ in 0..<(try reader.readCount()) {
            let end = try reader.readInt64()
            var window = Window()
            for side in 0..<2 {
                for _ in 0..<(try reader.readCount()) {
                    let key = try reader.readRow()
                    var rows: [[Value]] = []
                    for _ in 0..<(try reader.readCount()) { rows.append(try reader.readRow()) }
                    window.sides[side][key] = rows
                    count += rows.count
                }
                for _ in 0..<(try reader.readCount()) { window.unmatchable[side].append(try reader.readRow()) }
                count += window.unmatchable[side].count
            }
            windows[end] = window
        }
    }
}
