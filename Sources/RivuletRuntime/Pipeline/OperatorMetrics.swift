/// One operator's counters in a running query, under the number of its line in EXPLAIN.
public struct OperatorMetrics: Sendable, Hashable {
    /// The operator's EXPLAIN line (`StreamPlan.ExplainLine.number`).
    public var line: Int
    /// Rows it handed on: a scan the rows its source returned, an operator the rows it emitted
    /// (every changelog row counts).
    public var rowsOut = 0
    /// Rows, keys, windows or sessions it holds in state, as `QueryMetrics.stateSize` adds
    /// them up; nil for an operator that keeps no state.
    public var stateSize: Int?
    /// The size of its state in the last checkpoint; nil before the first or without state.
    public var stateBytes: Int?

    public init(line: Int, rowsOut: Int = 0, stateSize: Int? = nil, stateBytes: Int? = nil) {
        self.line = line
        self.rowsOut = rowsOut
        self.stateSize = stateSize
        self.stateBytes = stateBytes
    }
}
