public import RivuletCore

extension StreamPlan {
    /// Two inputs joined on equal keys, plus an optional residual condition. Output columns:
    /// every left column, then every right column (NULL on the side an outer row lacks).
    ///
    /// The strategy decides what state the join keeps and when it is dropped:
    /// - `regular`: both sides kept per key (optionally for `stateTTLMillis`); a changelog out,
    ///   outer rows retracted when their first match arrives. Accepts changelog inputs.
    /// - `interval`: `lower ≤ leftTime − rightTime ≤ upper`; rows kept until the watermark
    ///   makes them unmatchable, outer rows emitted then; append-only.
    /// - `window`: both inputs are windowed (`leftTime`/`rightTime` are their `window_end`);
    ///   each window's rows are joined when the window closes, then freed; append-only.
    /// - `streamTable`: each left (stream) row joins the right table's current row for its key
    ///   as it arrives; table updates only affect later stream rows.
    /// - `temporal`: each left row joins the version of the right versioned table valid at its
    ///   event time (`leftTime`), once the table's watermark has reached that time.
    public struct Join: Sendable {
        public enum Kind: String, Hashable, Sendable {
            case inner, left, right, full

            public var keepsLeftUnmatched: Bool { self == .left || self == .full }
            public var keepsRightUnmatched: Bool { self == .right || self == .full }
        }

        public enum Strategy: Hashable, Sendable {
            case regular
            /// `lower ≤ leftTime − rightTime ≤ upper`, in milliseconds.
            case interval(lower: Int64, upper: Int64)
            case window
            case streamTable
            case temporal
        }

        public var left: StreamPlan
        public var right: StreamPlan
        public var kind: Kind
        public var strategy: Strategy
        /// Equal-key columns, pairwise: `left[leftKeys[i]] = right[rightKeys[i]]`.
        public var leftKeys: [Int]
        public var rightKeys: [Int]
        /// A condition over the joined row (left columns, then right columns).
        public var residual: BoundExpr?
        /// The event-time columns the strategy uses (window end for window joins).
        public var leftTime: Int?
        public var rightTime: Int?
        /// `table.exec.state.ttl` for regular joins: rows untouched for this long (by the
        /// watermark, or by arrivals when there is none) are forgotten.
        public var stateTTLMillis: Int64?
        /// For a regular join: the output columns (left, then right) its state must hold, set by
        /// `PlanOptimizer` when only some are read above it; the others come out NULL. nil: all.
        public var storedColumns: Set<Int>?
        /// For an interval join: how far below the watermark a row may arrive and still join
        /// (ksqlDB's `WITHIN ... GRACE PERIOD`); state is kept that much longer.
        public var graceMillis: Int64 = 0
        /// For an outer interval join: an unmatched row is emitted NULL-padded as it arrives,
        /// and its later matches after it, as ksqlDB does when `WITHIN` has no `GRACE PERIOD`.
        public var emitsUnmatchedOnArrival = false
        /// For a regular left join that reads a scalar subquery: a left row that matches a second
        /// right row fails the query with 21000, as a subquery giving more than one row does.
        public var leftMatchesAtMostOnce = false
        /// For a regular join of keyed tables, as ksqlDB joins them: the event-time column of
        /// each input (left, right). Every row emitted for a change of one input, retractions
        /// and NULL-padded rows included, has both sides' times raised to that change's time,
        /// so that a result's time is when it changed.
        public var changeTimeColumns: (left: Int, right: Int)?
        /// For a foreign-key join of keyed tables, as ksqlDB runs it: deleting a left row emits
        /// its deletion even when it had no match (NULL-padded), so its key's result is gone
        /// whatever it was.
        public var emitsEveryLeftDelete = false
        public var schema: Schema

        public init(
            left: StreamPlan, right: StreamPlan, kind: Kind, strategy: Strategy, leftKeys: [Int], rightKeys: [Int],
            residual: BoundExpr?, leftTime: Int? = nil, rightTime: Int? = nil, stateTTLMillis: Int64? = nil
        ) {
            self.left = left
            self.right = right
            self.kind = kind
            self.strategy = strategy
            self.leftKeys = leftKeys
            self.rightKeys = rightKeys
            self.residual = residual
            self.leftTime = leftTime
            self.rightTime = rightTime
            self.stateTTLMillis = stateTTLMillis
            let leftFields = left.schema.fields.map { field in
                Field(field.name, field.type, nullable: field.nullable || kind.keepsRightUnmatched)
            }
            let rightFields = right.schema.fields.map { field in
                Field(field.name, field.type, nullable: field.nullable || kind.keepsLeftUnmatched)
            }
            schema = Schema(leftFields + rightFields)
        }

        public var appendOnly: Bool {
            switch strategy {
            // Over two append-only inputs an inner join only ever inserts (as in Flink): nothing
            // it emitted is retracted, since no input row is, and no row is NULL-padded.
            case .regular: return kind == .inner && left.appendOnly && right.appendOnly
            case .interval, .window: return left.appendOnly && right.appendOnly
            case .streamTable, .temporal: return left.appendOnly
            }
        }

        /// The left input's event time passes through interval, stream–table and temporal joins, and
        /// its window_time through window joins.
        public var eventTimeColumn: Int? {
            switch strategy {
            case .interval, .streamTable, .temporal:
                return kind.keepsRightUnmatched ? nil : left.eventTimeColumn
            case .window:
                // As in Flink, the left input's window_time stays a time attribute: a window's
                // rows come out when it closes, before the watermark that closed it moves on.
                return kind.keepsRightUnmatched ? nil : left.windowTimeColumn
            case .regular:
                return nil
            }
        }

        /// The operator's name, as EXPLAIN shows it.
        public var operatorName: String {
            switch strategy {
            case .regular: return "RegularJoin"
            case .interval: return "IntervalJoin"
            case .window: return "WindowJoin"
            case .streamTable: return "StreamTableJoin"
            case .temporal: return "TemporalJoin"
            }
        }

        var explainText: String {
            let width = left.schema.count
            let keys = zip(leftKeys, rightKeys).map { "$\($0) = $\($1 + width)" }.joined(separator: ", ")
            var text = "\(operatorName): \(kind.rawValue) key=[\(keys)]"
            if let residual { text += " condition=\(residual)" }
            switch strategy {
            case .regular:
                text += " state=rows per key of both sides"
                if let ttl = stateTTLMillis { text += " ttl=\(ttl)ms" }
            case .interval(let lower, let upper):
                text += " bounds=$\(leftTime ?? 0) - $\((rightTime ?? 0) + width) in [\(lower)ms, \(upper)ms]"
                if graceMillis > 0 { text += " grace=\(graceMillis)ms" }
                if emitsUnmatchedOnArrival { text += " unmatched=on arrival" }
                text += " state=rows per key until the watermark passes their bound"
            case .window:
                text += " state=rows per window until it closes"
            case .streamTable:
                text += " state=current table row per key"
            case .temporal:
                text += " time=$\(leftTime ?? 0) state=table versions per key, probe rows until the table watermark reaches them"
            }
            return text
        }
    }
}
