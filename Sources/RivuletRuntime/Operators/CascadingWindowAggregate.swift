public import RivuletCore
public import RivuletPlanner

/// GROUP BY keys and the window bounds of a windowed input (`window_start`, `window_end` of a
/// window aggregate below, under any names): Flink's cascading window aggregation. Each row
/// belongs to the one window its columns name; a window's row is emitted once the watermark
/// passes its end − 1, so the output is append-only and windowed again. Output: key columns,
/// window_start, window_end, aggregates.
public final class CascadingWindowAggregate: StreamOperator {
    private let engine: AlignedWindowAggregator

    public init(_ plan: StreamPlan.WindowAggregate) throws(SQLError) {
        guard case .attached(let end) = plan.window.kind else {
            throw SQLError.internal("CascadingWindowAggregate needs attached windows, got \(plan.window)")
        }
        engine = try AlignedWindowAggregator(plan, assignment: .attached(endColumn: end))
    }

    public func process(_ batch: RowBatch, port: Int, into output: inout Collector) throws {
        try engine.process(batch, into: &output)
    }

    public func watermarkAdvanced(to watermark: Int64, port: Int, into output: inout Collector) throws -> Int64? {
        engine.watermarkAdvanced(to: watermark, into: &output)
        return watermark
    }

    public var stateSize: Int { engine.stateSize }
    public var lateRows: Int { engine.lateRows }

    public func snapshot(into writer: inout StateWriter) throws { engine.snapshot(into: &writer) }
    public func restore(from reader: inout StateReader) throws { try engine.restore(from: &reader) }

    public var stateFormat: StateFormat { StateFormat(kind: "cascading-window-aggregate", version: 1) }
}
