public import RivuletCore
public import RivuletPlanner

/// GROUP BY keys over tumbling windows `[start, start + size)`: with `EMIT FINAL` semantics one
/// insert-only row per (key, window) once the watermark passes end − 1 + grace; with
/// `EMIT CHANGES` a `+I` / `-U` / `+U` changelog row after every input row. Late rows are
/// dropped and counted in `lateRows`. Output: key columns, window_start, window_end, aggregates.
public final class TumblingWindowAggregate: StreamOperator {
    private let plan: StreamPlan.WindowAggregate
    private let engine: AlignedWindowAggregator

    public init(_ plan: StreamPlan.WindowAggregate) throws(SQLError) {
        guard case .tumble(let size, let offset) = plan.window.kind else {
            throw SQLError.internal("TumblingWindowAggregate needs a TUMBLE window, got \(plan.window)")
        }
        self.plan = plan
        engine = try AlignedWindowAggregator(plan, assignment: .tumble(size: size, offset: offset))
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

    public var stateFormat: StateFormat { StateFormat(kind: "tumbling-window-aggregate", version: 1) }
}
