public import RivuletCore
public import RivuletPlanner

/// Computes one output column per expression, keeping each row's kind and arrival watermark.
/// Plain column references pass their column through without copying.
public final class Project: RowwiseOperator {
    public let expressions: [CompiledExpression]

    public init(expressions: [BoundExpr]) throws(SQLError) {
        self.expressions = try expressions.map { e throws(SQLError) in try ExpressionCompiler.compile(e) }
    }

    /// The output column types, in order.
    public var types: [SQLType] { expressions.map(\.type) }

    public func transform(_ batch: RowBatch) throws -> (rows: RowBatch, origins: [Int]?) {
        let columns = try expressions.map { e throws(SQLError) in try e.evaluate(batch) }
        return (RowBatch(columns: columns, count: batch.count, kinds: batch.kinds, arrivalWatermarks: batch.arrivalWatermarks), nil)
    }

    public var stateFormat: StateFormat { StateFormat(kind: "project", version: 1) }
}
