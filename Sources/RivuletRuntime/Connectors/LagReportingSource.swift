/// How far a query's reader is behind the end of one partition of a log (a Kafka topic).
public struct PartitionLag: Sendable, Hashable {
    /// The source relation.
    public var source: String
    public var topic: String
    public var partition: Int32
    /// The offset of the next record the query will read.
    public var position: Int64
    /// The partition's end (the offset the next record written will get), as last seen.
    public var end: Int64

    public init(source: String, topic: String, partition: Int32, position: Int64, end: Int64) {
        self.source = source
        self.topic = topic
        self.partition = partition
        self.position = position
        self.end = end
    }

    /// Records written to the partition that the query has not read yet.
    public var lag: Int64 { max(0, end - position) }
}

/// A source read from the partitions of a log, which can say how far behind each partition's
/// end it is (consumer lag).
///
/// Contract: `partitionLags` is cheap — no network round trip per call — because metrics read
/// it after every batch; the ends it reports may be a second or so old.
public protocol LagReportingSource: SourceReader {
    var partitionLags: [PartitionLag] { get }
}
