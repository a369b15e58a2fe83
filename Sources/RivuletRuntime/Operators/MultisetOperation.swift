public import RivuletCore
public import RivuletPlanner

/// `INTERSECT ALL` / `EXCEPT ALL`: counts each distinct row per input and keeps the result's
/// copies of it at `min(left, right)` or `max(left - right, 0)`, inserting (`+I`) or deleting
/// (`-D`) copies as a change on either input moves that number. Inputs may be changelogs.
public final class MultisetOperation: StreamOperator {
    private let op: StreamPlan.MultisetOperation.Operator
    private let types: [SQLType]
    /// Per distinct row, how many times each input holds it.
    private var counts: [[Value]: (left: Int, right: Int)] = [:]
    private var watermarks = InputWatermarks()

    public init(_ plan: StreamPlan.MultisetOperation) {
        op = plan.op
        types = plan.schema.types
    }

    public var keepsState: Bool { true }
    public var stateSize: Int { counts.count }

    private func copies(_ count: (left: Int, right: Int)) -> Int {
        switch op {
        case .intersectAll: return max(0, min(count.left, count.right))
        case .exceptAll: return max(0, count.left - count.right)
        }
    }

    public func process(_ batch: RowBatch, port: Int, into output: inout Collector) throws {
        var out = RowBatch(types: types)
        for row in 0..<batch.count {
            let values = batch.row(row, types: types)
            let delta = batch.kind(row).isAccumulate ? 1 : -1
            var count = counts[values] ?? (0, 0)
            let before = copies(count)
            if port == 0 { count.left += delta } else { count.right += delta }
            let after = copies(count)
            if count.left == 0, count.right == 0 { counts.removeValue(forKey: values) } else { counts[values] = count }
            for _ in 0..<abs(after - before) { out.appendRow(values, kind: after > before ? .insert : .delete) }
        }
        output.emit(out)
    }

    public func watermarkAdvanced(to watermark: Int64, port: Int, into output: inout Collector) throws -> Int64? {
        watermarks.advance(port, to: watermark)
    }

    public var stateFormat: StateFormat { StateFormat(kind: "multiset-operation", version: 1) }

    public func snapshot(into writer: inout StateWriter) throws {
        watermarks.save(into: &writer)
        writer.write(counts.count)
        for (row, count) in counts {
            writer.write(row: row)
            writer.write(count.left)
            writer.write(count.right)
        }
    }

    public func restore(from reader: inout StateReader) throws {
        try watermarks.restore(from: &reader)
        for _ in 0..<(try reader.readCount()) {
            let row = try reader.readRow()
            counts[row] = (try reader.readInt(), try reader.readInt())
        }
    }
}
