public import RivuletCore
public import RivuletPlanner

/// Assigns event-time watermarks to a source's rows: the watermark is the largest event time
/// seen so far minus the declared delay (Flink's bounded out-of-orderness).
///
/// Each output batch carries `arrivalWatermarks`, the watermark in force just before each row,
/// so downstream operators decide lateness per row, independent of batch boundaries. Rows whose
/// time column is NULL are bad records: counted, logged when a log is given, and dropped.
/// A batch that arrives with `arrivalWatermarks` and `sourceWatermark` set comes from a source
/// that tracks per-partition watermarks itself (`PartitionWatermarks`): both are kept.
public final class WatermarkAssigner: StreamOperator {
    public let spec: WatermarkSpec
    private let sourceName: String
    private let badRecordLog: BadRecordLog?
    private var maxEventTime = Watermark.none
    /// The watermark after every row processed so far.
    public private(set) var watermark = Watermark.none
    /// Rows dropped because their event time was NULL.
    public private(set) var badRecords = 0

    public init(spec: WatermarkSpec, sourceName: String = "", badRecordLog: BadRecordLog? = nil) {
        self.spec = spec
        self.sourceName = sourceName
        self.badRecordLog = badRecordLog
    }

    public func process(_ batch: RowBatch, port: Int, into output: inout Collector) throws {
        let times = batch.columns[spec.column]
        let preset = batch.arrivalWatermarks
        var arrival = [Int64]()
        arrival.reserveCapacity(batch.count)
        var kept: [Int]? = nil
        for row in 0..<batch.count {
            if times.isNull(row) {
                if kept == nil { kept = Array(0..<row) }
                badRecords += 1
                badRecordLog?.record(.init(
                    source: sourceName, position: "row \(row) of batch", rawText: "",
                    reason: "NULL event time in column $\(spec.column)"))
                continue
            }
            kept?.append(row)
            if let preset {
                arrival.append(preset[row])
                continue
            }
            arrival.append(watermark)
            let ts = times.ints[row]
            if ts > maxEventTime {
                maxEventTime = ts
                let (next, overflow) = ts.subtractingReportingOverflow(spec.delayMillis)
                watermark = max(watermark, overflow ? Watermark.none : next)
            }
        }
        if let sourceWatermark = batch.sourceWatermark, sourceWatermark > watermark { watermark = sourceWatermark }
        var result = batch
        if let kept {
            result.arrivalWatermarks = nil
            result = result.gather(kept)
        }
        result.arrivalWatermarks = arrival
        output.emit(result)
    }

    /// Only the end of input moves the watermark from outside (to `Watermark.end`).
    public func watermarkAdvanced(to watermark: Int64, port: Int, into output: inout Collector) throws -> Int64? {
        if watermark > self.watermark { self.watermark = watermark }
        return self.watermark
    }

    public func snapshot(into writer: inout StateWriter) throws {
        writer.write(maxEventTime)
        writer.write(watermark)
        writer.write(badRecords)
    }

    public func restore(from reader: inout StateReader) throws {
        maxEventTime = try reader.readInt64()
        watermark = try reader.readInt64()
        badRecords = try reader.readInt()
    }

    public var stateFormat: StateFormat { StateFormat(kind: "watermark-assigner", version: 1) }
}
