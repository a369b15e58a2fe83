public import RivuletCore
public import RivuletPlanner

/// Top-N per window (the partition includes `window_start` and `window_end`) over an
/// append-only input: rows are buffered per window and partition, and when the watermark
/// closes a window (watermark ≥ window_end − 1 ms) its final top N of each partition are
/// emitted once, as inserts, and the window's state is freed. A row for a window already
/// closed is late: counted and dropped.
public final class WindowTopN: StreamOperator {
    private let plan: StreamPlan.TopN
    private let types: [SQLType]
    private let order: RankOrder
    private let endColumn: Int
    private var windows: [Int64: [[Value]: [(row: [Value], sequence: Int)]]] = [:]
    private var output: ChangelogBuilder
    private var watermark = Watermark.none
    private var sequence = 0
    private var count = 0
    private let late = LateRowCounter()
    public var lateRowCounter: LateRowCounter? { late }

    public init(_ plan: StreamPlan.TopN) throws(SQLError) {
        guard let endColumn = plan.windowEnd else { throw SQLError.internal("WindowTopN needs the window_end column") }
        self.plan = plan
        self.endColumn = endColumn
        types = plan.input.schema.types
        order = RankOrder(keys: plan.sortKeys)
        output = ChangelogBuilder(types: plan.schema.types, isChangelog: false)
    }

    public var keepsState: Bool { true }
    public var stateSize: Int { count }

    public func process(_ batch: RowBatch, port: Int, into collector: inout Collector) throws {
        let ends = batch.columns[endColumn]
        for row in 0..<batch.count {
            if ends.isNull(row) { continue }
            let end = ends.ints[row]
            let arrival = batch.arrivalWatermarks?[row] ?? watermark
            if end - 1 <= arrival {
                late.drop(batch, row: row, watermark: arrival)
                continue
            }
            let values = batch.row(row, types: types)
            let key = plan.partitionKeys.map { values[$0] }
            var ranked = windows[end, default: [:]][key, default: []]
            let index = ranked.firstIndex(where: { order.precedes(values, sequence, $0.row, $0.sequence) }) ?? ranked.count
            sequence += 1
            guard index < plan.limit else { continue }
            ranked.insert((values, sequence - 1), at: index)
            count += 1
            if ranked.count > plan.limit {
                ranked.removeLast()
                count -= 1
            }
            windows[end, default: [:]][key] = ranked
        }
    }

    public func watermarkAdvanced(to watermark: Int64, port: Int, into collector: inout Collector) throws -> Int64? {
        self.watermark = max(self.watermark, watermark)
        for end in windows.keys.sorted() where end - 1 <= self.watermark {
            let partitions = windows.removeValue(forKey: end)!
            // Partitions in key order, so the output does not depend on how state was held.
            for key in partitions.keys.sorted(by: Self.keyOrder) {
                let ranked = partitions[key]!
                count -= ranked.count
                for (position, entry) in ranked.enumerated() {
                    for (i, value) in entry.row.enumerated() { output.columns[i].append(value) }
                    if plan.emitsRank { output.columns[entry.row.count].append(.int(Int64(position + 1))) }
                    output.finishRow(.insert)
                }
            }
        }
        output.flush(into: &collector)
        return watermark
    }

    private static func keyOrder(_ a: [Value], _ b: [Value]) -> Bool {
        for (x, y) in zip(a, b) {
            let order = ValueOrder.compare(x, y)
            if order != 0 { return order < 0 }
        }
        return false
    }

    public var stateFormat: StateFormat { StateFormat(kind: "window-top-n", version: 1) }
}

extension WindowTopN {
    /// The open windows' top rows per partition with their arrival numbers, the watermark and
    /// the counters.
    public func snapshot(into writer: inout StateWriter) throws {
        writer.write(watermark)
        writer.write(sequence)
        writer.write(late.count)
        writer.write(windows.count)
        for (end, partitions) in windows {
            writer.write(end)
            writer.write(partitions.count)
            for (key, ranked) in partitions {
                writer.write(row: key)
                writer.write(ranked.count)
                for entry in ranked {
                    writer.write(row: entry.row)
                    writer.write(entry.sequence)
                }
            }
        }
    }

    public func restore(from reader: inout StateReader) throws {
        guard windows.isEmpty else { throw SQLError.internal("restoring a window Top-N that holds state") }
        watermark = try reader.readInt64()
        sequence = try reader.readInt()
        late.restore(count: try reader.readInt())
        for _ in 0..<(try reader.readCount()) {
            let end = try reader.readInt64()
            var partitions: [[Value]: [(row: [Value], sequence: Int)]] = [:]
            for _ in 0..<(try reader.readCount()) {
                let key = try reader.readRow()
                var ranked: [(row: [Value], sequence: Int)] = []
                for _ in 0..<(try reader.readCount()) { ranked.append((try reader.readRow(), try reader.readInt())) }
                partitions[key] = ranked
                count += ranked.count
            }
            windows[end] = partitions
        }
    }
}
