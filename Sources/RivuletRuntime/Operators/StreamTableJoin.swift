public import RivuletCore
public import RivuletPlanner

/// Enriches each row of a stream (left) with the current row of a keyed table (right) for its
/// key, inner or left. The join key covers the table's primary key, so at most one table row
/// matches. Table rows (upserts, or `-D` deletes) only change state: a table update affects the
/// stream rows that arrive after it, never results already emitted. Output kinds follow the
/// stream's; the output watermark is the stream's.
public final class StreamTableJoin: StreamOperator {
    private let plan: StreamPlan.Join
    private var matcher: JoinMatcher
    private var table: [[Value]: [Value]] = [:]
    private var streamWatermark = Watermark.none

    public init(_ plan: StreamPlan.Join) throws(SQLError) {
        self.plan = plan
        matcher = try JoinMatcher(plan, changelog: !plan.left.appendOnly)
    }

    public var keepsState: Bool { true }
    public var stateSize: Int { table.count }

    public func process(_ batch: RowBatch, port: Int, into output: inout Collector) throws {
        for row in 0..<batch.count {
            let key = matcher.key(batch, row, port: port)
            if port == 1 {
                guard let key else { continue }
                table[key] = batch.kind(row).isAccumulate ? matcher.values(batch, row, port: 1) : nil
                continue
            }
            let values = matcher.values(batch, row, port: 0)
            var match = key.flatMap { table[$0] }
            if let candidate = match, try !matcher.residualHolds(values, port: 0, candidates: [candidate])[0] { match = nil }
            if match != nil || plan.kind == .left {
                matcher.emit(left: values, right: match, kind: batch.kind(row))
            }
        }
        matcher.flush(into: &output)
    }

    public func watermarkAdvanced(to watermark: Int64, port: Int, into output: inout Collector) throws -> Int64? {
        guard port == 0, watermark > streamWatermark else { return nil }
        streamWatermark = watermark
        return watermark
    }

    public var stateFormat: StateFormat { StateFormat(kind: "stream-table-join", version: 1) }
}

extension StreamTableJoin {
    /// The table's current row per key and the stream's watermark.
    public func snapshot(into writer: inout StateWriter) throws {
        writer.write(streamWatermark)
        writer.write(table.count)
        for (key, row) in table {
            writer.write(row: key)
            writer.write(row: row)
        }
    }

    public func restore(from reader: inout StateReader) throws {
        guard table.isEmpty else { throw SQLError.internal("restoring a stream-table join that holds state") }
        streamWatermark = try reader.readInt64()
        for _ in 0..<(try reader.readCount()) {
            let key = try reader.readRow()
            table[key] = try reader.readRow()
        }
    }
}
