public import RivuletCore

extension StreamPlan {
    /// `agg(...) OVER (PARTITION BY keys ORDER BY time frame)`: every input row, once the
    /// watermark passes its event time, followed by its aggregates over its frame: the rows of
    /// its partition up to it in event-time order. Output columns: the input's, then one per
    /// aggregate. Append-only over an append-only input; event time passes through.
    public struct OverAggregate: Sendable {
        /// Which rows before the current one its frame holds.
        public enum Frame: Hashable, Sendable, CustomStringConvertible {
            /// `ROWS BETWEEN n PRECEDING AND CURRENT ROW` (nil: `UNBOUNDED PRECEDING`); rows
            /// with equal times are ordered by arrival.
            case rows(preceding: Int?)
            /// `RANGE BETWEEN interval PRECEDING AND CURRENT ROW` (nil: `UNBOUNDED PRECEDING`):
            /// every row with time in `[t - interval, t]`, so rows with equal times share a result.
            case range(precedingMillis: Int64?)

            public var description: String {
                switch self {
                case .rows(let n): return "ROWS \(n.map { "\($0) PRECEDING" } ?? "UNBOUNDED PRECEDING")"
                case .range(let ms): return "RANGE \(ms.map { "\($0)ms PRECEDING" } ?? "UNBOUNDED PRECEDING")"
                }
            }

            /// Whether rows leave the frame (their aggregates must then be retractable).
            public var isBounded: Bool {
                switch self {
                case .rows(let n): return n != nil
                case .range(let ms): return ms != nil
                }
            }
        }

        public var input: StreamPlan
        public var partitionKeys: [Int]
        public var timeColumn: Int
        public var frame: Frame
        public var aggregates: [AggregateCall]
        public var schema: Schema

        public init(input: StreamPlan, partitionKeys: [Int], timeColumn: Int, frame: Frame, aggregates: [AggregateCall]) {
            self.input = input
            self.partitionKeys = partitionKeys
            self.timeColumn = timeColumn
            self.frame = frame
            self.aggregates = aggregates
            schema = Schema(input.schema.fields + aggregates.enumerated().map { Field("$over\($0.offset)", $0.element.type) })
        }

        var explainText: String {
            let keys = partitionKeys.map { "$\($0)" }.joined(separator: ", ")
            let aggregates = aggregates.map(\.description).joined(separator: ", ")
            return "OverAggregate: partition=[\(keys)] order=$\(timeColumn) \(frame) aggregates=[\(aggregates)]"
                + " state=rows per partition until the watermark passes them, and those in their frame"
        }
    }
}
