public import RivuletCore
import RivuletSQL

/// Binds scalar function calls by name; aggregates reaching here are misplaced.
enum FunctionBinder {
    static let aggregateNames: Set<String> = [
        "COUNT", "SUM", "AVG", "MIN", "MAX", "APPROX_PERCENTILE", "PERCENTILE_APPROX", "APPROX_QUANTILE",
        "LATEST_BY_OFFSET", "EARLIEST_BY_OFFSET", "ARRAY_AGG", "COLLECT_LIST", "COLLECT_SET", "HISTOGRAM", "COLLECT", "TOPK", "TOPKDISTINCT",
        "SUM_LIST", "BOOL_AND", "BOOL_OR", "EVERY", "COUNT_DISTINCT", "VAR_POP", "VAR_SAMP", "STDDEV_POP", "STDDEV_SAMP",
        "LISTAGG", "FIRST_VALUE", "LAST_VALUE",
    ]
    static let groupWindowNames: Set<String> = [
        "TUMBLE", "HOP", "SESSION", "CUMULATE",
        "TUMBLE_START", "TUMBLE_END", "TUMBLE_ROWTIME", "HOP_START", "HOP_END", "HOP_ROWTIME",
        "SESSION_START", "SESSION_END", "SESSION_ROWTIME",
    ]
    /// Every scalar function, each name once: what SHOW FUNCTIONS lists.
    static let scalarNames: [String] = {
        var seen: Set<String> = []
        return (coreScalarNames + ExpressionBinder.nestedFunctionNames + systemFunctionNames + jsonFunctionNames).filter { seen.insert($0).inserted }
    }()
    private static let coreScalarNames: [String] = [
        "UPPER", "UCASE", "LOWER", "LCASE", "INITCAP", "CONCAT", "CHAR_LENGTH", "CHARACTER_LENGTH", "LEN", "LENGTH", "SPLIT_INDEX",
        "REPLACE", "ABS", "ROUND", "FLOOR", "CEIL", "CEILING", "MOD", "POWER", "SQRT", "LN", "EXP", "DATE_FORMAT",
        "TO_TIMESTAMP", "PROCTIME", "NOW", "CURRENT_TIMESTAMP", "LOCALTIMESTAMP", "COALESCE", "IFNULL", "NULLIF", "GREATEST",
        "LEAST", "AS_VALUE", "LTRIM", "RTRIM", "TRIM",
        "CARDINALITY", "ELEMENT", "ARRAY_CONTAINS", "ARRAY_DISTINCT", "ARRAY_JOIN", "MAP_KEYS", "MAP_VALUES", "SLICE",
        "ARRAY_SLICE", "REGEXP", "REGEXP_EXTRACT", "REGEXP_REPLACE", "GEO_DISTANCE",
    ]

    static func isAggregate(_ call: FunctionCall) -> Bool {
        call.over == nil && aggregateNames.contains(call.upperName)
    }

    static func bind(_ call: FunctionCall, clause: String, binder: ExpressionBinder) throws(SQLError) -> BoundExpr {
        let name = call.upperName
        if call.over != nil {
            throw SQLError.unsupported("\(name)() OVER (...) is only supported as a Top-N filter", at: call.span)
        }
        if aggregateNames.contains(name) {
            throw SQLError(.groupingError, "aggregate function \(name) is not allowed in \(clause)", at: call.span)
        }
        if groupWindowNames.contains(name) {
            throw SQLError(.groupingError, "\(name) is only allowed in GROUP BY and in the SELECT list of a grouped query",
                           at: call.span)
        }
        if let first = call.orderBy.first {
            throw SQLError(SQLState("42809"), "ORDER BY specified, but \(call.name.name.value) is not an aggregate function", at: first.span)
        }
        if let bound = try bindTimeUnitCall(call, binder: binder) { return bound }
        var args: [BoundExpr] = []
        do {
            for argument in call.arguments { args.append(try binder.bind(argument)) }
        } catch where error.state == .groupingError {
            // `FOO_AGG(x)` with x not grouped: the unknown function is the error to report.
            var probe = call
            probe.arguments = call.arguments.map { _ in .literal(Literal(.null)) }
            do {
                _ = try bind(probe, clause: clause, binder: binder)
            } catch where error.message.hasPrefix("unknown function") {
                throw error
            } catch {}
            throw error
        }
        if let context = binder.context {
            let constants = args.compactMap { arg -> Value? in
                if case .literal(let value, _) = arg { return value }
                return nil
            }
            if constants.count == args.count, let value = try context.callSessionFunction(name, constants) {
                return ExpressionBinder.constant(value)
            }
        }
        if let bound = try bindPostgres(name, args, call: call, binder: binder) { return bound }
        if let bound = try binder.bindNestedFunction(name, args, call: call) { return bound }
        // The listed names are the functions there are: SHOW FUNCTIONS lists the same names.
        guard scalarNames.contains(name) else {
            let suggestion = closestName(to: name, among: scalarNames + Array(aggregateNames))
            throw SQLError(.undefinedFunction, "unknown function \(name)", at: call.name.span, hint: suggestion.map { "did you mean \($0)?" })
        }
        let arguments = FunctionArguments(name: name, args: args, call: call, binder: binder)
        if let bound = try bindSystemFunction(arguments) { return bound }
        if let bound = try bindJSONFunction(arguments) { return bound }
        func arity(_ counts: ClosedRange<Int>) throws(SQLError) { try arguments.arity(counts) }
        func string(_ i: Int) throws(SQLError) -> BoundExpr { try arguments.string(i) }
        func integer(_ i: Int) throws(SQLError) -> BoundExpr { try arguments.integer(i) }
        func numeric(_ i: Int) throws(SQLError) -> BoundExpr { try arguments.numeric(i) }
        func double(_ i: Int) throws(SQLError) -> BoundExpr { try arguments.double(i) }

        switch name {
        case "UPPER", "UCASE":
            try arity(1...1)
            return .call(.upper, [try string(0)], .varchar)
        case "LOWER", "LCASE":
            try arity(1...1)
            return .call(.lower, [try string(0)], .varchar)
        case "INITCAP":
            try arity(1...1)
            return .call(.initCap, [try string(0)], .varchar)
        case "CONCAT":
            try arity(1...Int.max)
            var strings: [BoundExpr] = []
            for i in args.indices { strings.append(try string(i)) }
            return .call(.concat, strings, .varchar)
        case "CHAR_LENGTH", "CHARACTER_LENGTH", "LEN", "LENGTH":
            try arity(1...1)
            return .call(.charLength, [try string(0)], .integer)
        case "LTRIM", "RTRIM", "TRIM":
            try arity(1...2)
            var strings = [try string(0)]
            if args.count == 2 { strings.append(try string(1)) }
            return .call(name == "LTRIM" ? .ltrim : name == "RTRIM" ? .rtrim : .trim, strings, .varchar)
        case "SPLIT_INDEX":
            try arity(3...3)
            return .call(.splitIndex, [try string(0), try string(1), try integer(2)], .varchar)
        case "REGEXP":
            try arity(2...2)
            return .call(.regexpLike, [try string(0), try string(1)], .boolean)
        case "REGEXP_EXTRACT":
            try arity(2...3)
            let group = args.count == 3 ? try integer(2) : .literal(.int(0), .bigint)
            return .call(.regexpExtract, [try string(0), try string(1), group], .varchar)
        case "REGEXP_REPLACE":
            try arity(3...3)
            return .call(.regexpReplace, [try string(0), try string(1), try string(2)], .varchar)
        case "REPLACE":
            try arity(3...3)
            return .call(.replace, [try string(0), try string(1), try string(2)], .varchar)
        case "ABS":
            try arity(1...1)
            let value = try numeric(0)
            return .call(.abs, [value], value.type)
        case "ROUND":
            try arity(1...2)
            let value = try numeric(0)
            if args.count == 2 {
                let digits = try integer(1)
                var type = value.type
                if case .decimal(let p, _) = type, case .literal(.int(let d), _) = digits.unwrappedCast {
                    type = .decimal(precision: p, scale: max(0, min(18, Int(d))))
                }
                return .call(.round, [value, digits], type)
            }
            var type = value.type
            if case .decimal(let p, _) = type { type = .decimal(precision: p, scale: 0) }
            return .call(.round, [value], type)
        case "FLOOR", "CEIL", "CEILING":
            try arity(1...1)
            let value = try numeric(0)
            var type = value.type
            if case .decimal(let p, _) = type { type = .decimal(precision: p, scale: 0) }
            return .call(name == "FLOOR" ? .floor : .ceil, [value], type)
        case "MOD":
            try arity(2...2)
            return try binder.arithmetic(.modulo, try numeric(0), try numeric(1), at: call.span)
        case "POWER":
            try arity(2...2)
            return .call(.power, [try double(0), try double(1)], .double)
        case "SQRT", "LN", "EXP":
            try arity(1...1)
            let function: ScalarFunction = name == "SQRT" ? .sqrt : name == "LN" ? .ln : .exp
            return .call(function, [try double(0)], .double)
        case "GEO_DISTANCE":
            // ksqlDB's: kilometres unless the fifth argument (any text, NULL too) names miles. A
            // constant unit is checked here, one from the rows as each row is computed.
            try arity(4...5)
            let unit = args.count == 5 ? try string(4) : .literal(.null, .varchar)
            if case .literal(.string(let text), _) = unit.unwrappedCast, GeoDistanceUnit.earthRadius(text.utf8) == nil {
                throw SQLError(.invalidParameterValue, GeoDistanceUnit.unknown(text), at: call.arguments[4].span)
            }
            return .call(.geoDistance, [try double(0), try double(1), try double(2), try double(3), unit], .double)
        case "DATE_FORMAT":
            try arity(2...2)
            var value = args[0]
            if value.type == .varchar { value = .cast(value, to: .timestamp3) }
            guard value.type.isTimestamp || value.type == .date || value.type == .null else {
                throw SQLError(.datatypeMismatch, "DATE_FORMAT expects a TIMESTAMP, found \(value.type)", at: call.arguments[0].span)
            }
            return .call(.dateFormat, [value, try string(1)], .varchar)
        case "PROCTIME":
            try arity(0...0)
            return .call(.proctime, [], .timestamp3)
        case "NOW", "CURRENT_TIMESTAMP", "LOCALTIMESTAMP":
            // The clock's time too, but, as in Flink, not a time attribute a window can take.
            try arity(0...0)
            return .call(.currentTimestamp, [], .timestamp3)
        case "TO_TIMESTAMP":
            try arity(1...2)
            var strings = [try string(0)]
            if args.count == 2 { strings.append(try string(1)) }
            return .call(.toTimestamp, strings, .timestamp3)
        case "COALESCE", "IFNULL":
            try arity(name == "IFNULL" ? 2...2 : 1...Int.max)
            let type = try binder.commonType(of: args, at: call.span, what: name)
            var cast: [BoundExpr] = []
            for arg in args { cast.append(try binder.cast(arg, to: type)) }
            return .call(.coalesce, cast, type)
        case "AS_VALUE":
            // ksqlDB: a key column's value, as a value column (the sink decides what is key).
            try arity(1...1)
            return args[0]
        case "GREATEST", "LEAST":
            // As in Postgres and ksqlDB, NULL arguments are ignored; all NULL gives NULL. The
            // first argument that beats every other non-NULL one is the result.
            try arity(1...Int.max)
            let type = try binder.commonType(of: args, at: call.span, what: name)
            let wins: ScalarFunction = name == "GREATEST" ? .greaterOrEqual : .lessOrEqual
            var values: [BoundExpr] = []
            for arg in args { values.append(try binder.cast(arg, to: type)) }
            var branches: [BoundExpr] = []
            for (i, candidate) in values.enumerated().dropLast() {
                var condition: BoundExpr = .call(.isNotNull, [candidate], .boolean)
                for (j, other) in values.enumerated() where j != i {
                    let beats: BoundExpr = .call(.or, [.call(wins, [candidate, other], .boolean), .call(.isNull, [other], .boolean)], .boolean)
                    condition = .call(.and, [condition, beats], .boolean)
                }
                branches += [condition, candidate]
            }
            return branches.isEmpty ? values[0] : .call(.caseWhen, branches + [values[values.count - 1]], type)
        case "NULLIF":
            try arity(2...2)
            let type = try binder.commonType(of: args, at: call.span, what: name)
            return .call(.nullIf, [try binder.cast(args[0], to: type), try binder.cast(args[1], to: type)], type)
        default:
            throw SQLError.internal("\(name) is listed as a function but has no binding")
        }
    }
}

extension BoundExpr {
    /// The expression with implicit casts peeled off (to read a constant argument).
    var unwrappedCast: BoundExpr {
        if case .cast(let inner, _) = self { return inner.unwrappedCast }
        return self
    }
}
