public import RivuletCore

extension StreamPlan {
    /// Each input row once per projection, as the rows of `GROUPING SETS`, `ROLLUP` and `CUBE`:
    /// projection i is the input with the keys outside set i NULL, followed by the set's number,
    /// so one aggregate groups every set apart. Append-only over an append-only input; event time
    /// passes through.
    public struct Expand: Sendable {
        public var input: StreamPlan
        public var projections: [[BoundExpr]]
        public var schema: Schema
        public var timeColumn: Int?

        public init(input: StreamPlan, projections: [[BoundExpr]], schema: Schema, timeColumn: Int?) {
            self.input = input
            self.projections = projections
            self.schema = schema
            self.timeColumn = timeColumn
        }

        var explainText: String {
            "Expand: " + projections.map { "[" + $0.map(\.sqlText).joined(separator: ", ") + "]" }.joined(separator: ", ")
        }
    }
}
