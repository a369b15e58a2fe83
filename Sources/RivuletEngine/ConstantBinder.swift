import RivuletCore
import RivuletPlanner
import RivuletRuntime
import RivuletSQL

/// Evaluates the constant expressions of `INSERT ... VALUES` rows.
struct ConstantBinder {
    private let oneRow = RowBatch(columns: [], count: 1)

    func evaluate(_ expr: Expr, as type: SQLType, column: String) throws(SQLError) -> Value {
        let bound = try ConstantExpression.bind(expr, as: type, column: column)
        let compiled = try ExpressionCompiler.compile(bound)
        let value = try compiled.evaluate(oneRow).value(at: 0, type: type)
        if value.isNull, !isNullLiteral(bound), type.isTimestamp || type == .date {
            throw SQLError(SQLState("22007"), "'\(expr)' is not a valid \(type) for column '\(column)'", at: expr.span,
                           hint: "write timestamps as 'YYYY-MM-DD HH:MM:SS[.fff]'")
        }
        return value
    }

    private func isNullLiteral(_ expr: BoundExpr) -> Bool {
        switch expr {
        case .literal(let value, _): return value.isNull
        case .cast(let inner, _): return isNullLiteral(inner)
        default: return false
        }
    }
}
