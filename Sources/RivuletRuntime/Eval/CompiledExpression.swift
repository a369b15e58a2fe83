public import RivuletCore
public import RivuletPlanner

/// A scalar expression compiled once per query into typed kernels that evaluate a whole
/// batch at a time. Evaluation reads column buffers directly: no boxing, no per-row dynamic
/// dispatch or allocation on the common paths.
public struct CompiledExpression: Sendable {
    /// The expression this was compiled from.
    public let expression: BoundExpr
    let root: CompiledNode
    let clock: @Sendable () -> Int64

    init(expression: BoundExpr, root: CompiledNode, clock: @escaping @Sendable () -> Int64) {
        self.expression = expression
        self.root = root
        self.clock = clock
    }

    /// The result type.
    public var type: SQLType { root.type }

    /// The value when the expression is constant (a literal or folded from literals).
    public var constant: Value? { root.constant }

    /// The input column when the expression is a plain column reference.
    public var columnIndex: Int? { root.columnIndex }

    /// One value per row of `batch`, as a column of `type`. A column reference returns the
    /// input column itself (shared, not copied). Errors are `SQLError`s (numeric overflow).
    public func evaluate(_ batch: RowBatch) throws(SQLError) -> Column {
        try root.run(input(batch))
    }

    /// Ascending indices of the rows for which this BOOLEAN expression is TRUE (NULL and FALSE
    /// rows are left out), without materializing a BOOLEAN column where a direct kernel exists.
    public func select(_ batch: RowBatch) throws(SQLError) -> [Int] {
        guard type == .boolean || type == .null else {
            throw SQLError(.datatypeMismatch, "a predicate must be BOOLEAN, not \(type)")
        }
        if let constant = root.constant {
            return constant == .boolean(true) ? Array(0..<batch.count) : []
        }
        if let selector = root.selector { return try selector(input(batch)) }
        return try root.run(input(batch)).trueRows()
    }

    private func input(_ batch: RowBatch) -> EvalInput {
        EvalInput(batch: batch, now: root.usesClock ? clock() : 0)
    }
}
