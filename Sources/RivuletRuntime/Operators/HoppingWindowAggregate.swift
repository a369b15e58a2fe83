public import RivuletCore
public import RivuletPlanner

/// GROUP BY keys over hopping (`HOP`: size / slide windows per row) or cumulating (`CUMULATE`:
/// windows `[periodStart, periodStart + k·step)` growing within each period) windows, or over
/// the windows a windowed input's rows already name (a cascading window aggregation: the row's
/// `[window_start, window_end)` under whatever names, one window per row).
///
/// A row joins each of its windows that is still open at its arrival watermark and is dropped
/// only from the closed ones; it counts as late only if it joins none. Emission is as in
/// `TumblingWindowAggregate`: one final row per (key, window), or a changelog per input row.
public final class HoppingWindowAggregate: StreamOperator {
    private let plan: StreamPlan.WindowAggregate
    private let engine: AlignedWindowAggregator

    public init(_ plan: StreamPlan.WindowAggregate) throws(SQLError) {
        guard let assignment = WindowAssignment(plan.window) else {
            throw SQLError.internal("HoppingWindowAggregate needs a HOP, CUMULATE or attached window, got \(plan.window)")
        }
        self.plan = plan
        engine = try AlignedWindowAggregator(plan, assignment: assignment)
    }

    public func process(_ batch: RowBatch, port: Int, into output: inout Collector) throws {
        try engine.process(batch, into: &output)
    }

    public func watermarkAdvanced(to watermark: Int64, port: Int, into output: inout Collector) throws -> Int64? {
        engine.watermarkAdvanced(to: watermark, into: &output)
        return watermark
    }

    public var keepsState: Bool { true }
    public var stateSize: Int { engine.stateSize }
    public var lateRowCounter: LateRowCounter? { engine.late }

    public func snapshot(into writer: inout StateWriter) throws { engine.snapshot(into: &writer) }
    public func restore(from reader: inout StateReader) throws { try engine.restore(from: &reader) }

    public var stateFormat: StateFormat {
        if case .attached = plan.window.kind { return StateFormat(kind: "cascading-window-aggregate", version: 1) }
        return StateFormat(kind: "hopping-window-aggregate", version: 1)
    }
}
