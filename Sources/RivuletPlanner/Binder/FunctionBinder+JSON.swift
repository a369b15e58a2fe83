import RivuletCore
import RivuletSQL

/// Flink's SQL/JSON functions: JSON_VALUE, JSON_QUERY and JSON_EXISTS with their RETURNING,
/// wrapper and ON EMPTY / ON ERROR clauses, JSON_OBJECT and JSON_ARRAY with ON NULL, JSON_QUOTE
/// and JSON_UNQUOTE. The clauses become constant arguments of the call (see `ScalarFunction`),
/// filled with Flink's defaults where the query leaves them out.
extension FunctionBinder {
    static let jsonFunctionNames = ["JSON_VALUE", "JSON_QUERY", "JSON_EXISTS", "JSON_OBJECT", "JSON_ARRAY", "JSON_QUOTE", "JSON_UNQUOTE"]

    static func bindJSONFunction(_ a: FunctionArguments) throws(SQLError) -> BoundExpr? {
        let clauses = a.call.json ?? JSONClauses()
        switch a.name {
        case "JSON_VALUE":
            try a.arity(2...2)
            let type = try returningType(clauses, of: a) ?? .varchar
            var args = [try a.string(0), try path(a)]
            var defaults: [BoundExpr] = []
            for behavior in [clauses.onEmpty, clauses.onError] {
                args.append(.literal(.string(mode(behavior)), .varchar))
                guard case .default(let expr)? = behavior else {
                    defaults.append(.literal(.null, type))
                    continue
                }
                defaults.append(try a.binder.coerce(try a.binder.bind(expr, typedLike: type), to: type, at: expr.span))
            }
            return .call(.jsonValue, args + defaults, type)
        case "JSON_QUERY":
            try a.arity(2...2)
            _ = try returningType(clauses, of: a)
            let wrapper: String = switch clauses.wrapper {
            case .conditional?: "CONDITIONAL"
            case .unconditional?: "UNCONDITIONAL"
            default: "WITHOUT"
            }
            let modes = [wrapper, mode(clauses.onEmpty), mode(clauses.onError)].map { BoundExpr.literal(.string($0), .varchar) }
            return .call(.jsonQuery, [try a.string(0), try path(a)] + modes, .varchar)
        case "JSON_EXISTS":
            try a.arity(2...2)
            return .call(.jsonExists, [try a.string(0), try path(a), .literal(.string(mode(clauses.onError ?? .false)), .varchar)], .boolean)
        case "JSON_OBJECT":
            var args: [BoundExpr] = []
            for index in a.args.indices {
                args.append(index % 2 == 0 ? try a.string(index) : try jsonValue(a, index))
            }
            // Flink's default: a NULL value is a member with a JSON null.
            args.append(.literal(.string((clauses.onNull ?? .null) == .null ? "NULL" : "ABSENT"), .varchar))
            return .call(.jsonObject, args, .varchar)
        case "JSON_ARRAY":
            var args = try a.args.indices.map { index throws(SQLError) in try jsonValue(a, index) }
            // Flink's default: a NULL element is left out.
            args.append(.literal(.string((clauses.onNull ?? .absent) == .null ? "NULL" : "ABSENT"), .varchar))
            return .call(.jsonArray, args, .varchar)
        case "JSON_QUOTE", "JSON_UNQUOTE":
            try a.arity(1...1)
            return .call(a.name == "JSON_QUOTE" ? .jsonQuote : .jsonUnquote, [try a.string(0)], .varchar)
        default:
            return nil
        }
    }

    /// The behavior's name as the call's constant argument: `NULL`, `ERROR`, `DEFAULT`, ...
    private static func mode(_ behavior: JSONClauses.Behavior?) -> String {
        switch behavior {
        case nil, .null?: "NULL"
        case .error?: "ERROR"
        case .default?: "DEFAULT"
        case .emptyArray?: "EMPTY ARRAY"
        case .emptyObject?: "EMPTY OBJECT"
        case .true?: "TRUE"
        case .false?: "FALSE"
        case .unknown?: "UNKNOWN"
        }
    }

    /// The path: a string literal, as Flink requires.
    private static func path(_ a: FunctionArguments) throws(SQLError) -> BoundExpr {
        let path = try a.string(1)
        guard case .literal(.string, _) = path.unwrappedCast else {
            throw SQLError(.invalidParameterValue, "\(a.name): the JSON path must be a string literal", at: a.call.arguments[1].span)
        }
        return path
    }

    /// RETURNING's type: a scalar for JSON_VALUE, text for JSON_QUERY.
    private static func returningType(_ clauses: JSONClauses, of a: FunctionArguments) throws(SQLError) -> SQLType? {
        guard let type = clauses.returning else { return nil }
        let fits = a.name == "JSON_VALUE" ? !type.isNested && type != .null : type == .varchar
        guard fits else {
            let wanted = a.name == "JSON_VALUE" ? "a scalar type" : "VARCHAR or STRING"
            throw SQLError(.featureNotSupported, "\(a.name) cannot return \(type): RETURNING takes \(wanted)", at: a.call.span)
        }
        return type
    }

    /// A value of JSON_OBJECT or JSON_ARRAY: a bare NULL as VARCHAR; DATE has no JSON form in Flink.
    private static func jsonValue(_ a: FunctionArguments, _ index: Int) throws(SQLError) -> BoundExpr {
        let value = a.args[index]
        if value.type == .null { return .literal(.null, .varchar) }
        if value.type == .date || value.type == .intervalDayTime || value.type == .intervalYearMonth {
            throw SQLError(.datatypeMismatch, "\(a.name) cannot hold a \(value.type) value", at: a.call.arguments[index].span,
                           hint: "cast it to VARCHAR first")
        }
        return value
    }
}
