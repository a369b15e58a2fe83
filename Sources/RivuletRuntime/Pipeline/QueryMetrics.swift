/// A running query's counters, as `/metrics` and `DESCRIBE EXTENDED` show them.
public struct QueryMetrics: Sendable, Hashable {
    /// Rows the source returned (before bad records were dropped).
    public var rowsRead = 0
    /// Rows handed to the sink (every changelog row counts).
    public var rowsWritten = 0
    /// Rows dropped because every window they belonged to had closed, over all operators.
    public var lateRows = 0
    /// Records the source could not read plus rows without an event time.
    public var badRecords = 0
    /// Groups, windows and sessions currently held in operator state.
    public var stateSize = 0
    /// The event-time watermark reached so far (`Watermark.end` once a bounded input is done).
    public var watermark = Int64.min
    /// Consumer lag of each partition of the sources that read logs (Kafka).
    public var partitionLags: [PartitionLag] = []
    /// How much of their input the sources that know its size (files) have read; nil when none does.
    public var inputProgress: InputProgress?
    /// Each operator's counters, in EXPLAIN's order.
    public var operators: [OperatorMetrics] = []

    public init() {}
}
