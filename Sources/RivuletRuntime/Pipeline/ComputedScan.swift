public import RivuletCore
public import RivuletPlanner

/// A scan of a relation with computed columns (`cost AS price * quantity`): its connector reads
/// the stored columns the scan needs, and the computed ones are evaluated on each batch before
/// the watermark or any operator sees it, so a watermark may be declared on a computed column.
struct ComputedScan {
    /// What the connector is asked to read.
    let storedScan: StreamPlan.Scan
    /// The scan's columns, in order, over the stored columns read.
    private let outputs: [CompiledExpression]

    /// Nil when the relation has no computed column: its connector reads the scan as it is.
    init?(_ scan: StreamPlan.Scan) throws(SQLError) {
        let relation = scan.relation
        guard !relation.computedColumns.isEmpty else { return nil }
        let expressions = scan.columns.map { column in
            relation.computedExpression(of: column) ?? .column(column, relation.schema[column].type)
        }
        let read = expressions.reduce(into: Set<Int>()) { $0.formUnion($1.referencedColumns) }.sorted()
        let positions = relation.storedPositions
        storedScan = StreamPlan.Scan(relation: relation.stored, columns: read.map { positions[$0]! }, watermark: nil)
        var readPosition: [Int: Int] = [:]
        for (position, column) in read.enumerated() { readPosition[column] = position }
        outputs = try expressions.map { expression throws(SQLError) in
            try ExpressionCompiler.compile(expression.remapColumns { readPosition[$0]! })
        }
    }

    /// The scan's row batch from the connector's.
    func apply(_ stored: RowBatch) throws(SQLError) -> RowBatch {
        let columns = try outputs.map { output throws(SQLError) in try output.evaluate(stored) }
        return RowBatch(columns: columns, count: stored.count, kinds: stored.kinds, arrivalWatermarks: stored.arrivalWatermarks)
    }
}
