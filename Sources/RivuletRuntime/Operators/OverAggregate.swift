public import RivuletCore
public import RivuletPlanner

/// An OVER aggregation on event time (`agg OVER (PARTITION BY k ORDER BY ts frame)`), as Flink
/// runs it: each row waits until the watermark passes its time, then is emitted once with its
/// aggregates over its frame, in event-time order (equal times in arrival order). A row at or
/// below the watermark it arrives under is late: dropped and counted.
///
/// Per partition the operator keeps one accumulator slot holding the current frame, the rows
/// still waiting for the watermark, and, for a bounded frame, the rows in the frame, so that
/// each can be retracted when it leaves (with `RANGE`, as soon as the watermark shows no later
/// row can include it; a partition left empty is freed). With `RANGE`, rows of equal time enter together and
/// share one result; with `ROWS`, each enters alone.
public final class OverAggregate: StreamOperator {
    private struct Row {
        var time: Int64
        /// Arrival order, across partitions: orders equal times and the output.
        var sequence: Int64
        var values: [Value]
    }

    private final class Partition {
        let slot: Int32
        /// Rows waiting for the watermark, in arrival order.
        var pending: [Row] = []
        /// A bounded frame's rows, oldest first, from `head` on.
        var frame: [Row] = []
        var head = 0

        init(slot: Int32) { self.slot = slot }

        var frameCount: Int { frame.count - head }

        func dropFrameHead(_ n: Int) {
            head += n
            // Compact once the dropped prefix is as large as what is kept.
            if head > 64, head * 2 > frame.count {
                frame.removeFirst(head)
                head = 0
            }
        }
    }

    private let plan: StreamPlan.OverAggregate
    private let inputTypes: [SQLType]
    private let outputTypes: [SQLType]
    private let slots: AggregateSlots
    private var partitions: [[Value]: Partition] = [:]
    /// Partitions with rows waiting for the watermark.
    private var waiting: Set<[Value]> = []
    private var watermark = Watermark.none
    private var sequence: Int64 = 0
    private var pendingCount = 0
    private var frameRows = 0
    private let late = LateRowCounter()
    public var lateRowCounter: LateRowCounter? { late }

    public init(_ plan: StreamPlan.OverAggregate) throws(SQLError) {
        guard plan.input.appendOnly else {
            throw SQLError.unsupported("OVER aggregations over a changelog (updating) input are not supported")
        }
        self.plan = plan
        inputTypes = plan.input.schema.types
        outputTypes = plan.schema.types
        slots = try AggregateSlots(plan.aggregates, input: plan.input.schema, retractable: plan.frame.isBounded)
    }

    public var keepsState: Bool { true }
    public var stateSize: Int { pendingCount + frameRows }

    public func process(_ batch: RowBatch, port: Int, into output: inout Collector) throws {
        let times = batch.columns[plan.timeColumn]
        for row in 0..<batch.count {
            if times.isNull(row) { continue }
            let time = times.ints[row]
            let arrival = batch.arrivalWatermarks?[row] ?? watermark
            if time <= arrival {
                late.drop(batch, row: row, watermark: arrival)
                continue
            }
            let values = batch.row(row, types: inputTypes)
            let key = plan.partitionKeys.map { values[$0] }
            let partition = partitions[key] ?? {
                let created = Partition(slot: slots.allocate())
                partitions[key] = created
                return created
            }()
            partition.pending.append(Row(time: time, sequence: sequence, values: values))
            sequence += 1
            pendingCount += 1
            waiting.insert(key)
        }
    }

    public func watermarkAdvanced(to watermark: Int64, port: Int, into output: inout Collector) throws -> Int64? {
        guard watermark > self.watermark else { return nil }
        self.watermark = watermark
        var emitted: [(time: Int64, sequence: Int64)] = []
        var batch = RowBatch(types: outputTypes)
        for key in waiting {
            let partition = partitions[key]!
            let due = partition.pending.filter { $0.time <= watermark }
            guard !due.isEmpty else { continue }
            partition.pending.removeAll { $0.time <= watermark }
            if partition.pending.isEmpty { waiting.remove(key) }
            pendingCount -= due.count
            let ordered = due.sorted { ($0.time, $0.sequence) < ($1.time, $1.sequence) }
            fire(ordered, in: partition, into: &batch)
            emitted += ordered.map { ($0.time, $0.sequence) }
        }
        expireRanges(below: watermark)
        guard batch.count > 0 else { return watermark }
        // Event-time order across partitions, arrival order among equal times.
        let order = emitted.indices.sorted { (emitted[$0].time, emitted[$0].sequence) < (emitted[$1].time, emitted[$1].sequence) }
        output.emit(batch.gather(order))
        return watermark
    }

    /// With a `RANGE` frame of `p` ms, a row at or below `watermark - p` is in no future row's
    /// frame (every future row is later than the watermark): it is retracted now, and a partition
    /// left with no rows is freed, so idle partitions hold no state.
    private func expireRanges(below watermark: Int64) {
        guard case .range(let preceding?) = plan.frame, watermark > Int64.min + preceding else { return }
        let limit = watermark - preceding
        for (key, partition) in partitions where partition.pending.isEmpty {
            var leaving = 0
            while leaving < partition.frameCount, partition.frame[partition.head + leaving].time <= limit { leaving += 1 }
            if leaving == partition.frameCount {
                frameRows -= leaving
                slots.free(partition.slot)
                partitions.removeValue(forKey: key)
            } else if leaving > 0 {
                accumulate(Array(partition.frame[partition.head..<(partition.head + leaving)]), into: partition, sign: -1)
                partition.dropFrameHead(leaving)
                frameRows -= leaving
            }
        }
    }

    /// Moves `rows` (one partition's, sorted) into its frame and appends each with its result.
    private func fire(_ rows: [Row], in partition: Partition, into batch: inout RowBatch) {
        var start = 0
        while start < rows.count {
            var end = start + 1
            if case .range = plan.frame {
                while end < rows.count, rows[end].time == rows[start].time { end += 1 }
            }
            let entering = Array(rows[start..<end])
            accumulate(entering, into: partition, sign: 1)
            if plan.frame.isBounded {
                partition.frame += entering
                frameRows += entering.count
                retractExpired(from: partition, current: rows[start].time)
            }
            for row in entering { append(row, result: partition.slot, to: &batch) }
            start = end
        }
    }

    /// Retracts the rows that have left the frame of a row at `current`.
    private func retractExpired(from partition: Partition, current: Int64) {
        var leaving = 0
        switch plan.frame {
        case .rows(let preceding?):
            leaving = max(0, partition.frameCount - (preceding + 1))
        case .range(let precedingMillis?):
            let limit = current - precedingMillis
            while leaving < partition.frameCount, partition.frame[partition.head + leaving].time < limit { leaving += 1 }
        default:
            return
        }
        guard leaving > 0 else { return }
        accumulate(Array(partition.frame[partition.head..<(partition.head + leaving)]), into: partition, sign: -1)
        partition.dropFrameHead(leaving)
        frameRows -= leaving
    }

    private func accumulate(_ rows: [Row], into partition: Partition, sign: Int8) {
        var input = RowBatch(types: inputTypes)
        for row in rows { input.appendRow(row.values) }
        let indices = (0..<Int32(rows.count)).map { $0 }
        slots.accumulate(
            input, rows: indices, slots: Array(repeating: partition.slot, count: rows.count),
            signs: sign < 0 ? Array(repeating: sign, count: rows.count) : nil)
    }

    private func append(_ row: Row, result slot: Int32, to batch: inout RowBatch) {
        for (i, value) in row.values.enumerated() { batch.columns[i].append(value) }
        slots.appendResults(slot, into: &batch.columns, at: row.values.count)
        batch.count += 1
    }

    public var stateFormat: StateFormat { StateFormat(kind: "over-aggregate", version: 1) }

    /// The watermark, counters, then per partition its key, accumulators, waiting rows and frame.
    public func snapshot(into writer: inout StateWriter) throws {
        writer.write(watermark)
        writer.write(sequence)
        writer.write(late.count)
        writer.write(partitions.count)
        for (key, partition) in partitions {
            writer.write(row: key)
            slots.save(partition.slot, into: &writer)
            for rows in [partition.pending, Array(partition.frame[partition.head...])] {
                writer.write(rows.count)
                for row in rows {
                    writer.write(row.time)
                    writer.write(row.sequence)
                    writer.write(row: row.values)
                }
            }
        }
    }

    public func restore(from reader: inout StateReader) throws {
        watermark = try reader.readInt64()
        sequence = try reader.readInt64()
        late.restore(count: try reader.readInt())
        let count = try reader.readCount()
        for _ in 0..<count {
            let key = try reader.readRow()
            let partition = Partition(slot: slots.allocate())
            try slots.load(partition.slot, from: &reader)
            var lists: [[Row]] = []
            for _ in 0..<2 {
                var rows: [Row] = []
                for _ in 0..<(try reader.readCount()) {
                    rows.append(Row(time: try reader.readInt64(), sequence: try reader.readInt64(), values: try reader.readRow()))
                }
                lists.append(rows)
            }
            partition.pending = lists[0]
            partition.frame = lists[1]
            pendingCount += lists[0].count
            frameRows += lists[1].count
            if !partition.pending.isEmpty { waiting.insert(key) }
            partitions[key] = partition
        }
    }
}
