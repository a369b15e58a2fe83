public import RivuletCore

/// Puts a processing-time window's input on the wall clock: each row's time column becomes the
/// moment this operator takes it, and the watermark it passes on is the clock less one
/// millisecond, so that a window closes once the clock reaches its end and no row that comes
/// later can fall into a closed window. The watermark follows the clock, not the input's event
/// time; `tick()` moves it while no row arrives. Only the end of input reaches past the clock,
/// closing every window that is still open (an ended run loses none of its rows).
public final class ProcessingTimeClock: StreamOperator {
    private let column: Int
    private let clock: @Sendable () -> Int64
    /// The watermark passed on so far.
    private var watermark = Watermark.none

    public init(column: Int, clock: @escaping @Sendable () -> Int64 = WallClock.now) {
        self.column = column
        self.clock = clock
    }

    public var stateFormat: StateFormat { StateFormat(kind: "ProcessingTimeClock", version: 1) }

    public func process(_ batch: RowBatch, port: Int, into output: inout Collector) throws {
        let now = clock()
        var stamped = batch
        stamped.columns[column] = Column(ints: Array(repeating: now, count: batch.count))
        stamped.arrivalWatermarks = Array(repeating: watermark, count: batch.count)
        stamped.sourceWatermark = nil
        output.emit(stamped)
    }

    /// The input's watermark says nothing of the clock; only its end is passed on.
    public func watermarkAdvanced(to watermark: Int64, port: Int, into output: inout Collector) throws -> Int64? {
        if watermark == Watermark.end {
            self.watermark = Watermark.end
            return Watermark.end
        }
        return tick()
    }

    /// Moves the watermark to the clock; returns it when it moved.
    public func tick() -> Int64? {
        guard watermark != Watermark.end else { return nil }
        let (next, overflow) = clock().subtractingReportingOverflow(1)
        guard !overflow, next > watermark else { return nil }
        watermark = next
        return next
    }

    public func snapshot(into writer: inout StateWriter) throws {
        writer.write(watermark)
    }

    public func restore(from reader: inout StateReader) throws {
        watermark = try reader.readInt64()
    }
}
