import RivuletCore
import RivuletSQL

/// A call's bound arguments with the checks every function binding makes: how many there are,
/// and that each is of the kind the function takes (with the implicit cast made explicit).
struct FunctionArguments {
    let name: String
    let args: [BoundExpr]
    let call: FunctionCall
    let binder: ExpressionBinder

    var count: Int { args.count }

    func arity(_ counts: ClosedRange<Int>) throws(SQLError) {
        guard counts.contains(args.count) else {
            let wanted = counts.lowerBound == counts.upperBound ? "\(counts.lowerBound)" : "\(counts.lowerBound) to \(counts.upperBound)"
            throw SQLError(.undefinedFunction, "\(name) takes \(wanted) argument\(counts.upperBound == 1 ? "" : "s"), not \(args.count)",
                           at: call.span)
        }
    }

    /// Text; anything but a timestamp converts to it.
    func string(_ i: Int) throws(SQLError) -> BoundExpr {
        try binder.coerce(args[i], to: .varchar, at: call.arguments[i].span, lenient: !args[i].type.isTimestamp)
    }

    /// An integer, as BIGINT.
    func integer(_ i: Int) throws(SQLError) -> BoundExpr {
        guard args[i].type.isInteger || args[i].type == .null else {
            throw SQLError(.datatypeMismatch, "\(name) expects an integer, found \(args[i].type)", at: call.arguments[i].span)
        }
        return try binder.cast(args[i], to: .bigint)
    }

    /// A number of its own type (a bare NULL as DOUBLE).
    func numeric(_ i: Int) throws(SQLError) -> BoundExpr {
        guard args[i].type.isNumeric || args[i].type == .null else {
            throw SQLError(.datatypeMismatch, "\(name) expects a number, found \(args[i].type)", at: call.arguments[i].span)
        }
        return args[i].type == .null ? .literal(.null, .double) : args[i]
    }

    func double(_ i: Int) throws(SQLError) -> BoundExpr { try binder.cast(try numeric(i), to: .double) }

    /// A TIMESTAMP (a DATE or text converts to TIMESTAMP(3)).
    func timestamp(_ i: Int) throws(SQLError) -> BoundExpr {
        let value = args[i]
        if value.type.isTimestamp { return value }
        if value.type == .date || value.type == .varchar || value.type == .null { return try binder.cast(value, to: .timestamp3) }
        throw SQLError(.datatypeMismatch, "\(name) expects a TIMESTAMP, found \(value.type)", at: call.arguments[i].span)
    }
}
