/// The event-time watermark of a source read from several partitions.
///
/// Each partition's watermark is the largest event time seen in it minus the declared delay;
/// the source's watermark is the minimum over the partitions that are neither finished nor
/// idle, so a partition that lags behind holds the others back. A finished partition (a bounded
/// read reached its end) or an idle one (no record for the idle timeout) stops holding it back;
/// while every partition is finished or idle the watermark stays where it is. It never moves
/// backwards, even when an idle partition wakes up behind it.
///
/// Pure state: the caller feeds rows, finishes and idleness in the order it emits rows, so the
/// watermark in force before each row depends only on that order.
public struct PartitionWatermarks: Sendable {
    private struct Partition: Sendable {
        var watermark = Watermark.none
        var finished = false
        var idle = false
    }

    public let delayMillis: Int64
    private var partitions: [Partition]
    /// The source's watermark after everything fed so far.
    public private(set) var watermark = Watermark.none

    public init(partitionCount: Int, delayMillis: Int64) {
        self.delayMillis = delayMillis
        partitions = Array(repeating: Partition(), count: partitionCount)
    }

    public var partitionCount: Int { partitions.count }

    /// The watermark of one partition (`Watermark.none` before its first row).
    public func watermark(ofPartition partition: Int) -> Int64 { partitions[partition].watermark }

    public func isIdle(_ partition: Int) -> Bool { partitions[partition].idle }

    /// A row with event time `eventTime` arrived on `partition` (which is active again if it was idle).
    public mutating func observe(eventTime: Int64, partition: Int) {
        let (candidate, overflow) = eventTime.subtractingReportingOverflow(delayMillis)
        let next = overflow ? Watermark.none : candidate
        var changed = partitions[partition].idle
        partitions[partition].idle = false
        if next > partitions[partition].watermark {
            partitions[partition].watermark = next
            changed = true
        }
        if changed { recompute() }
    }

    /// `partition` will deliver no more rows.
    public mutating func finish(_ partition: Int) {
        guard !partitions[partition].finished else { return }
        partitions[partition].finished = true
        recompute()
    }

    /// `partition` has had no row for the idle timeout (or has one again).
    public mutating func setIdle(_ partition: Int, _ idle: Bool) {
        guard partitions[partition].idle != idle else { return }
        partitions[partition].idle = idle
        recompute()
    }

    /// Continues from a checkpoint: each partition's watermark and the source's, as they were
    /// (idleness is not kept: a partition is active again until the idle timeout passes).
    public mutating func restore(partitionWatermarks: [Int64], watermark: Int64) {
        for (index, value) in partitionWatermarks.enumerated() where index < partitions.count {
            partitions[index].watermark = value
        }
        self.watermark = watermark
        recompute()
    }

    private mutating func recompute() {
        var lowest: Int64?
        for partition in partitions where !partition.finished && !partition.idle {
            lowest = min(lowest ?? partition.watermark, partition.watermark)
        }
        if let lowest, lowest > watermark { watermark = lowest }
    }
}
