public import RivuletCore
public import RivuletPlanner

/// `TABLE(TUMBLE|HOP|CUMULATE(...))` read without aggregation: every row once per window it
/// belongs to, with `window_start`, `window_end` and `window_time` appended. Stateless; rows
/// keep their kind and arrival watermark.
public final class WindowTableFunction: RowwiseOperator {
    private let plan: StreamPlan.WindowTable
    private let assignment: WindowAssignment
    private var windows: [WindowBounds] = []

    public init(_ plan: StreamPlan.WindowTable) throws(SQLError) {
        guard let assignment = WindowAssignment(plan.window) else {
            throw SQLError.unsupported("SESSION windows can only be used with GROUP BY window_start, window_end")
        }
        self.plan = plan
        self.assignment = assignment
    }

    public func transform(_ batch: RowBatch) throws -> (rows: RowBatch, origins: [Int]?) {
        let time = batch.columns[plan.window.timeColumn]
        var rows: [Int] = []
        // Whether every row has exactly one window, so the rows pass as they are.
        var oneToOne = true
        var starts: [Int64] = []
        var ends: [Int64] = []
        rows.reserveCapacity(batch.count)
        for row in 0..<batch.count where !time.isNull(row) {
            assignment.windows(containing: time.ints[row], into: &windows)
            if windows.count != 1 || rows.count != row { oneToOne = false }
            for window in windows {
                rows.append(row)
                starts.append(window.start)
                ends.append(window.end)
            }
        }
        oneToOne = oneToOne && rows.count == batch.count
        var out = oneToOne ? batch : batch.gather(rows)
        out.columns.append(Column(ints: starts))
        out.columns.append(Column(ints: ends))
        out.columns.append(Column(ints: ends.map { $0 - 1 }))
        return (out, oneToOne ? nil : rows)
    }

    public var stateFormat: StateFormat { StateFormat(kind: "window-table-function", version: 1) }
}
