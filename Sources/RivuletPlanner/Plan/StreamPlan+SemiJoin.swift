public import RivuletCore

extension StreamPlan {
    /// The rows of `left` that have (semi) or have not (anti) a row of `right` with equal keys:
    /// `IN` / `EXISTS` subqueries and `INTERSECT`, their negations and `EXCEPT`. Output columns:
    /// the left input's. As in Flink, the result changes with the right input: a left row is
    /// emitted when its first match arrives (semi) or retracted then (anti), and the reverse when
    /// its last match goes; so a semi join of append-only inputs is append-only, an anti join a
    /// changelog. A window semi or anti join (both inputs windowed, joined on their window bounds:
    /// `windowEnd` set) instead keeps each window's rows until the window has closed on both
    /// inputs and then emits its left rows that have (or lack) a match, once; append-only.
    public struct SemiJoin: Sendable {
        /// How NULL keys compare.
        public enum Nulls: String, Hashable, Sendable {
            /// SQL equality: a NULL key matches nothing (`IN`, `EXISTS`).
            case neverMatch
            /// `NOT IN`: a NULL on either side makes the comparison unknown, so the left row is
            /// kept out: a left NULL once the right has any row, every left row once the right
            /// has a NULL.
            case notIn
            /// Set operations: NULL equals NULL (`INTERSECT`, `EXCEPT`).
            case equal
        }

        public var left: StreamPlan
        /// Only its key columns are read.
        public var right: StreamPlan
        public var leftKeys: [Int]
        public var rightKeys: [Int]
        public var anti: Bool
        public var nulls: Nulls
        /// For a window semi or anti join, the `window_end` columns of the left input and of the
        /// right one (among `rightKeys`' columns).
        public var windowEnd: (left: Int, right: Int)?

        public init(left: StreamPlan, right: StreamPlan, leftKeys: [Int], rightKeys: [Int], anti: Bool, nulls: Nulls) {
            self.left = left
            self.right = right
            self.leftKeys = leftKeys
            self.rightKeys = rightKeys
            self.anti = anti
            self.nulls = nulls
        }

        public var schema: Schema { left.schema }

        public var appendOnly: Bool { (!anti || windowEnd != nil) && left.appendOnly && right.appendOnly }

        var explainText: String {
            let width = left.schema.count
            let keys = zip(leftKeys, rightKeys).map { "$\($0) = $\($1 + width)" }.joined(separator: ", ")
            if windowEnd != nil {
                return "\(anti ? "WindowAntiJoin" : "WindowSemiJoin"): key=[\(keys)] nulls=\(nulls.rawValue)"
                    + " state=rows per window until it closes"
            }
            return "\(anti ? "AntiJoin" : "SemiJoin"): key=[\(keys)] nulls=\(nulls.rawValue)"
                + " state=left rows per key with their match counts, right key counts"
        }
    }
}
