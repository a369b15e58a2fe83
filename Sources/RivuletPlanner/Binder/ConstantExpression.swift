public import RivuletCore
public import RivuletSQL

/// Expressions without column references, as in `INSERT ... VALUES`.
public enum ConstantExpression {
    /// Binds `expr` and converts it to `type`, the type of the column it is stored into.
    /// A parameter (`$n`, with `context`) takes the column's type.
    public static func bind(
        _ expr: Expr, as type: SQLType, column: String, context: BindingContext? = nil
    ) throws(SQLError) -> BoundExpr {
        let binder = ExpressionBinder(resolveColumn: { (reference: ColumnReference) throws(SQLError) -> BoundExpr in
            throw SQLError(.undefinedColumn, "VALUES cannot refer to column '\(reference.name.value)'", at: reference.span)
        }, clause: "VALUES", context: context)
        let bound = try binder.bind(expr, typedLike: type)
        guard TypeCoercion.isAssignable(bound.type, to: type) else {
            throw SQLError(.datatypeMismatch, "a value of type \(bound.type) cannot be stored in column '\(column)' of type \(type)", at: expr.span)
        }
        return bound.type == type ? bound : (bound.type == .null ? .literal(.null, type) : .cast(bound, to: type))
    }
}

/// Names of the built-in functions, for SHOW FUNCTIONS and completion.
public enum FunctionNames {
    public static var scalar: [String] { FunctionBinder.scalarNames }
    public static var aggregate: [String] { FunctionBinder.aggregateNames.sorted() }
}
