public import RivuletCore
public import RivuletPlanner

/// Keeps the rows whose predicate is TRUE (FALSE and NULL drop), with their row kinds and
/// arrival watermarks. A batch where every row passes is forwarded as is, without copying.
public final class Filter: StreamOperator {
    public let predicate: CompiledExpression

    public init(predicate: BoundExpr) throws(SQLError) {
        guard predicate.type == .boolean || predicate.type == .null else {
            throw SQLError(.datatypeMismatch, "WHERE needs a BOOLEAN condition, not \(predicate.type)")
        }
        self.predicate = try ExpressionCompiler.compile(predicate)
    }

    public func process(_ batch: RowBatch, port: Int, into output: inout Collector) throws {
        let rows = try predicate.select(batch)
        if rows.count == batch.count {
            output.emit(batch)
        } else if !rows.isEmpty {
            output.emit(batch.gather(rows))
        }
    }

    public var stateFormat: StateFormat { StateFormat(kind: "filter", version: 1) }
}
