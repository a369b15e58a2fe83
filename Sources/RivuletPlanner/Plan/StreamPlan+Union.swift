public import RivuletCore

extension StreamPlan {
    /// `UNION ALL`: every row and change of each input, as it comes. The inputs produce the
    /// same columns (the binder casts them to common types first). Its watermark is the
    /// smallest of its inputs', as for any operator over several inputs, so event time passes
    /// through when every input carries it in the same column.
    public struct Union: Sendable {
        public var inputs: [StreamPlan]
        public var schema: Schema

        public init(inputs: [StreamPlan], schema: Schema) {
            self.inputs = inputs
            self.schema = schema
        }

        public var appendOnly: Bool { inputs.allSatisfy(\.appendOnly) }

        public var eventTimeColumn: Int? {
            guard let column = inputs.first?.eventTimeColumn else { return nil }
            return inputs.allSatisfy { $0.eventTimeColumn == column } ? column : nil
        }

        /// The window bounds stay window bounds when every input has them in the same columns.
        var windowColumns: (start: Int, end: Int)? {
            guard let columns = inputs.first?.windowColumns else { return nil }
            return inputs.allSatisfy { $0.windowColumns.map { $0 == columns } ?? false } ? columns : nil
        }
    }
}
