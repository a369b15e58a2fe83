public import RivuletCore
public import RivuletPlanner
import Collections

/// An OVER aggregation on event time (`agg OVER (PARTITION BY k ORDER BY ts frame)`), as Flink
/// runs it: each row waits until the watermark passes its time, then is emitted once with its
/// aggregates over its frame, in event-time order (equal times in arrival order).
///
/// Which rows are late follows Flink's operators. With an unbounded frame a row at or below the
/// watermark it arrives under is late. With a bounded frame a row is late only when its
/// partition has already emitted a row at or after its time; a later row is kept even when the
/// watermark has passed it, and is emitted at the next advance of the watermark. Late rows are
/// dropped and counted.
///
/// Rows wait on timers, one per partition and time, fired in time order as the watermark
/// passes them, the watermark being advanced row by row (each row's arrival watermark) so that
/// what a row finds fired does not depend on how rows are batched. Per partition the operator
/// keeps one accumulator slot holding the current frame, the waiting rows and, for a bounded
/// frame, the rows in the frame, so that each can be retracted when it leaves. With `RANGE`,
/// rows of equal time enter together and share one result, and a partition is forgotten, as
/// in Flink, once the watermark passes its clean-up time (half a frame past the frame of its
/// latest row): after that any row of it is on time again. With `ROWS`, each row enters alone.
public final class OverAggregate: StreamOperator {
    private struct Row {
        var time: Int64
        /// Arrival order, across partitions: orders equal times and the output.
        var sequence: Int64
        var values: [Value]
    }

    private final class Partition {
        let slot: Int32
        /// Rows waiting for their timer, by time, each list in arrival order.
        var pending: [Int64: [Row]] = [:]
        /// A bounded frame's rows, oldest first, from `head` on.
        var frame: [Row] = []
        var head = 0
        /// The times this partition has a timer at: its waiting rows' and, with `RANGE`, each
        /// clean-up time it was given (a superseded one still fires, as in Flink).
        var timers: Set<Int64> = []
        /// The time of the last timer fired: with a bounded frame a row must be later.
        var lastFired = Watermark.none
        /// With a bounded `RANGE` frame, when the partition is forgotten.
        var cleanupAt: Int64?

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

    private struct Timer: Comparable {
        let time: Int64
        let key: [Value]
        static func < (a: Timer, b: Timer) -> Bool { a.time < b.time }
        static func == (a: Timer, b: Timer) -> Bool { a.time == b.time && a.key == b.key }
    }

    private let plan: StreamPlan.OverAggregate
    private let inputTypes: [SQLType]
    private let outputTypes: [SQLType]
    private let slots: AggregateSlots
    private var partitions: [[Value]: Partition] = [:]
    private var timers = Heap<Timer>()
    /// The watermark received from the input, forwarded downstream.
    private var watermark = Watermark.none
    /// The watermark the timers have fired through: ahead of `watermark` within a batch whose
    /// rows carry their own arrival watermarks.
    private var firedThrough = Watermark.none
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
            if arrival > firedThrough { fireTimers(through: arrival, into: &output) }
            let values = batch.row(row, types: inputTypes)
            let key = plan.partitionKeys.map { values[$0] }
            if isLate(time, arrival: arrival, partition: partitions[key]) {
                late.drop(batch, row: row, watermark: arrival)
                continue
            }
            let partition = partitions[key] ?? {
                let created = Partition(slot: slots.allocate())
                partitions[key] = created
                return created
            }()
            partition.pending[time, default: []].append(Row(time: time, sequence: sequence, values: values))
            sequence += 1
            pendingCount += 1
            addTimer(at: time, for: partition, key: key)
            if case .range(let preceding?) = plan.frame { extendCleanup(of: partition, key: key, past: time, preceding: preceding) }
        }
    }

    private func isLate(_ time: Int64, arrival: Int64, partition: Partition?) -> Bool {
        plan.frame.isBounded ? time <= (partition?.lastFired ?? Watermark.none) : time <= arrival
    }

    private func addTimer(at time: Int64, for partition: Partition, key: [Value]) {
        if partition.timers.insert(time).inserted { timers.insert(Timer(time: time, key: key)) }
    }

    /// Flink's clean-up rule for bounded `RANGE` frames: once a row's frame (`preceding` ms past
    /// its time) reaches the clean-up time, the clean-up moves to half a frame later.
    private func extendCleanup(of partition: Partition, key: [Value], past time: Int64, preceding: Int64) {
        if let cleanupAt = partition.cleanupAt, cleanupAt >= time + preceding + 1 { return }
        let cleanupAt = time + preceding + preceding / 2 + 1
        partition.cleanupAt = cleanupAt
        addTimer(at: cleanupAt, for: partition, key: key)
    }

    public func watermarkAdvanced(to watermark: Int64, port: Int, into output: inout Collector) throws -> Int64? {
        guard watermark > self.watermark else { return nil }
        self.watermark = watermark
        if watermark > firedThrough { fireTimers(through: watermark, into: &output) }
        return watermark
    }

    /// Fires the timers at or below `watermark` in time order and emits their rows in event-time
    /// order across partitions, arrival order among equal times.
    private func fireTimers(through watermark: Int64, into output: inout Collector) {
        firedThrough = watermark
        var emitted: [(time: Int64, sequence: Int64)] = []
        var batch = RowBatch(types: outputTypes)
        while let next = timers.min, next.time <= watermark {
            timers.removeMin()
            guard let partition = partitions[next.key], partition.timers.remove(next.time) != nil else { continue }
            if let cleanupAt = partition.cleanupAt, cleanupAt <= next.time {
                forget(partition, key: next.key)
                continue
            }
            if let rows = partition.pending.removeValue(forKey: next.time) {
                pendingCount -= rows.count
                fire(rows, in: partition, into: &batch)
                emitted += rows.map { ($0.time, $0.sequence) }
            }
            partition.lastFired = next.time
        }
        guard batch.count > 0 else { return }
        let order = emitted.indices.sorted { (emitted[$0].time, emitted[$0].sequence) < (emitted[$1].time, emitted[$1].sequence) }
        output.emit(batch.gather(order))
    }

    /// Frees a partition at its clean-up time: no waiting row is left by then (each row moved the
    /// clean-up time past its own), and its frame is in no later row's frame.
    private func forget(_ partition: Partition, key: [Value]) {
        frameRows -= partition.frameCount
        pendingCount -= partition.pending.values.reduce(0) { $0 + $1.count }
        slots.free(partition.slot)
        partitions.removeValue(forKey: key)
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

    public var stateFormat: StateFormat { StateFormat(kind: "over-aggregate", version: 2) }

    /// The watermarks, counters, then per partition its key, accumulators, timers, waiting rows
    /// and frame.
    public func snapshot(into writer: inout StateWriter) throws {
        writer.write(watermark)
        writer.write(firedThrough)
        writer.write(sequence)
        writer.write(late.count)
        writer.write(partitions.count)
        for (key, partition) in partitions {
            writer.write(row: key)
            slots.save(partition.slot, into: &writer)
            writer.write(partition.lastFired)
            writer.write(partition.cleanupAt != nil)
            writer.write(partition.cleanupAt ?? 0)
            writer.write(partition.timers.count)
            for time in partition.timers.sorted() { writer.write(time) }
            let pending = partition.pending.values.joined().sorted { $0.sequence < $1.sequence }
            for rows in [pending, Array(partition.frame[partition.head...])] {
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
        firedThrough = try reader.readInt64()
        sequence = try reader.readInt64()
        late.restore(count: try reader.readInt())
        let count = try reader.readCount()
        for _ in 0..<count {
            let key = try reader.readRow()
            let partition = Partition(slot: slots.allocate())
            try slots.load(partition.slot, from: &reader)
            partition.lastFired = try reader.readInt64()
            let cleans = try reader.readBool()
            let cleanupAt = try reader.readInt64()
            partition.cleanupAt = cleans ? cleanupAt : nil
            for _ in 0..<(try reader.readCount()) { addTimer(at: try reader.readInt64(), for: partition, key: key) }
            var lists: [[Row]] = []
            for _ in 0..<2 {
                var rows: [Row] = []
                for _ in 0..<(try reader.readCount()) {
                    rows.append(Row(time: try reader.readInt64(), sequence: try reader.readInt64(), values: try reader.readRow()))
                }
                lists.append(rows)
            }
            for row in lists[0] { partition.pending[row.time, default: []].append(row) }
            partition.frame = lists[1]
            pendingCount += lists[0].count
            frameRows += lists[1].count
            partitions[key] = partition
        }
    }
}
