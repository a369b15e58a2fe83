public import RivuletCore

extension StreamPlan {
    /// `INTERSECT ALL` and `EXCEPT ALL` of two inputs with the same columns: each distinct row
    /// as many times as both inputs hold it (the smaller count) or as the left holds it more
    /// often than the right (the difference), NULL equal to NULL. A changelog: copies are
    /// inserted and deleted as the counts change.
    public struct MultisetOperation: Sendable {
        public enum Operator: String, Hashable, Sendable {
            case intersectAll = "INTERSECT ALL"
            case exceptAll = "EXCEPT ALL"
        }

        public var left: StreamPlan
        public var right: StreamPlan
        public var op: Operator

        public init(left: StreamPlan, right: StreamPlan, op: Operator) {
            self.left = left
            self.right = right
            self.op = op
        }

        public var schema: Schema { left.schema }

        var explainText: String { "MultisetOperation: \(op.rawValue) state=row counts of both inputs" }
    }
}
