import RivuletCore
import RivuletSQL

/// Flink's system functions beyond the common core: more text functions, logarithms and
/// trigonometry, digests, IF, JSON_STRING, the date-part shorthands and epoch-second conversions, with
/// Flink's result types (DOUBLE for real math, the argument's type for SIGN and TRUNCATE, INT
/// for character codes and positions).
extension FunctionBinder {
    static let systemFunctionNames: [String] = [
        "OVERLAY", "POSITION", "LOCATE", "INSTR", "LPAD", "RPAD", "REPEAT", "REVERSE", "LEFT", "RIGHT", "ASCII", "CHR", "CONCAT_WS",
        "SUBSTR", "SUBSTRING", "TRANSLATE", "FROM_BASE64", "TO_BASE64",
        "LOG10", "LOG2", "LOG", "SIGN", "TRUNCATE", "PI", "E", "DEGREES", "RADIANS", "SIN", "COS", "TAN", "COT", "ASIN", "ACOS",
        "ATAN", "ATAN2", "SINH", "COSH", "TANH", "BIN", "HEX",
        "MD5", "SHA1", "SHA224", "SHA256", "SHA384", "SHA512", "SHA2",
        "IF", "JSON_STRING",
        "YEAR", "QUARTER", "MONTH", "WEEK", "DAYOFYEAR", "DAYOFMONTH", "DAYOFWEEK", "HOUR", "MINUTE", "SECOND",
        "TIMESTAMPADD", "TIMESTAMPDIFF", "UNIX_TIMESTAMP", "FROM_UNIXTIME", "TO_DATE",
    ]

    static func bindSystemFunction(_ a: FunctionArguments) throws(SQLError) -> BoundExpr? {
        let name = a.name
        switch name {
        case "OVERLAY", "POSITION", "SUBSTRING":
            let forms = ["OVERLAY": "OVERLAY(s PLACING r FROM n [FOR length])", "POSITION": "POSITION(a IN b)", "SUBSTRING": "SUBSTRING(s FROM n [FOR length])"]
            throw SQLError(.syntaxError, "\(name) is written \(forms[name] ?? name)", at: a.call.span)
        case "LOCATE":
            try a.arity(2...3)
            var args = [try a.string(0), try a.string(1)]
            if a.count == 3 { args.append(try a.integer(2)) }
            return .call(.position, args, .integer)
        case "INSTR":
            try a.arity(2...2)
            return .call(.position, [try a.string(1), try a.string(0)], .integer)
        case "LPAD", "RPAD":
            try a.arity(3...3)
            return .call(name == "LPAD" ? .leftPad : .rightPad, [try a.string(0), try a.integer(1), try a.string(2)], .varchar)
        case "REPEAT":
            try a.arity(2...2)
            return .call(.repeatText, [try a.string(0), try a.integer(1)], .varchar)
        case "REVERSE":
            try a.arity(1...1)
            return .call(.reverse, [try a.string(0)], .varchar)
        case "LEFT", "RIGHT":
            try a.arity(2...2)
            return .call(name == "LEFT" ? .left : .right, [try a.string(0), try a.integer(1)], .varchar)
        case "ASCII":
            try a.arity(1...1)
            return .call(.ascii, [try a.string(0)], .integer)
        case "CHR":
            try a.arity(1...1)
            return .call(.chr, [try a.integer(0)], .varchar)
        case "CONCAT_WS":
            try a.arity(1...Int.max)
            var strings: [BoundExpr] = []
            for i in 0..<a.count { strings.append(try a.string(i)) }
            return .call(.concatWithSeparator, strings, .varchar)
        case "SUBSTR":
            try a.arity(2...3)
            var args = [try a.string(0), try a.integer(1)]
            if a.count == 3 { args.append(try a.integer(2)) }
            return .call(.substring, args, .varchar)
        case "TRANSLATE":
            try a.arity(3...3)
            return .call(.translate, [try a.string(0), try a.string(1), try a.string(2)], .varchar)
        case "TO_BASE64", "FROM_BASE64":
            try a.arity(1...1)
            return .call(name == "TO_BASE64" ? .toBase64 : .fromBase64, [try a.string(0)], .varchar)
        case "MD5", "SHA1", "SHA224", "SHA256", "SHA384", "SHA512":
            try a.arity(1...1)
            let digests: [String: ScalarFunction] = [
                "MD5": .md5, "SHA1": .sha1, "SHA224": .sha224, "SHA256": .sha256, "SHA384": .sha384, "SHA512": .sha512,
            ]
            return .call(digests[name] ?? .md5, [try a.string(0)], .varchar)
        case "SHA2":
            try a.arity(2...2)
            return .call(.sha2, [try a.string(0), try a.integer(1)], .varchar)
        case "LOG10", "LOG2", "DEGREES", "RADIANS", "SIN", "COS", "TAN", "COT", "ASIN", "ACOS", "ATAN", "SINH", "COSH", "TANH":
            try a.arity(1...1)
            let functions: [String: ScalarFunction] = [
                "LOG10": .log10, "LOG2": .log2, "DEGREES": .degrees, "RADIANS": .radians, "SIN": .sin, "COS": .cos, "TAN": .tan,
                "COT": .cot, "ASIN": .asin, "ACOS": .acos, "ATAN": .atan, "SINH": .sinh, "COSH": .cosh, "TANH": .tanh,
            ]
            return .call(functions[name] ?? .sin, [try a.double(0)], .double)
        case "LOG":
            // One argument: the natural logarithm; two: the first is the base.
            try a.arity(1...2)
            if a.count == 1 { return .call(.ln, [try a.double(0)], .double) }
            return .call(.logBase, [try a.double(0), try a.double(1)], .double)
        case "ATAN2":
            try a.arity(2...2)
            return .call(.atan2, [try a.double(0), try a.double(1)], .double)
        case "PI", "E":
            try a.arity(0...0)
            return .literal(.double(name == "PI" ? Double.pi : 2.718281828459045), .double)
        case "SIGN":
            try a.arity(1...1)
            let value = try a.numeric(0)
            return .call(.sign, [value], value.type)
        case "TRUNCATE":
            try a.arity(1...2)
            let value = try a.numeric(0)
            var type = value.type
            guard a.count == 2 else {
                if case .decimal(let p, _) = type { type = .decimal(precision: p, scale: 0) }
                return .call(.truncate, [value], type)
            }
            let digits = try a.integer(1)
            if case .decimal(let p, let s) = type, case .literal(.int(let d), _) = digits.unwrappedCast {
                type = .decimal(precision: p, scale: max(0, min(s, Int(d))))
            }
            return .call(.truncate, [value, digits], type)
        case "BIN":
            try a.arity(1...1)
            return .call(.bin, [try a.integer(0)], .varchar)
        case "HEX":
            try a.arity(1...1)
            let value = a.args[0]
            guard value.type.isInteger || value.type == .varchar || value.type == .null else {
                throw SQLError(.datatypeMismatch, "HEX takes an integer or text, not \(value.type)", at: a.call.arguments[0].span)
            }
            return .call(.hex, [value.type.isInteger ? try a.integer(0) : try a.string(0)], .varchar)
        case "JSON_STRING":
            try a.arity(1...1)
            return .call(.jsonString, [a.args[0].type == .null ? .literal(.null, .varchar) : a.args[0]], .varchar)
        case "IF":
            try a.arity(3...3)
            let condition = try a.binder.coerce(a.args[0], to: .boolean, at: a.call.arguments[0].span)
            let type = try a.binder.commonType(of: [a.args[1], a.args[2]], at: a.call.span, what: "IF")
            return .call(.caseWhen, [condition, try a.binder.cast(a.args[1], to: type), try a.binder.cast(a.args[2], to: type)], type)
        case "YEAR", "QUARTER", "MONTH", "WEEK", "DAYOFYEAR", "DAYOFMONTH", "DAYOFWEEK", "HOUR", "MINUTE", "SECOND":
            try a.arity(1...1)
            let fields = ["DAYOFYEAR": "DOY", "DAYOFMONTH": "DAY", "DAYOFWEEK": "DOW"]
            let value = a.args[0].type == .date ? a.args[0] : try a.timestamp(0)
            return .call(.extract, [.literal(.string(fields[name] ?? name), .varchar), value], .bigint)
        case "UNIX_TIMESTAMP":
            try a.arity(0...2)
            if a.count == 0 { return .call(.unixTimestamp, [.call(.currentTimestamp, [], .timestamp3)], .bigint) }
            var args = [try a.string(0)]
            if a.count == 2 { args.append(try a.string(1)) }
            return .call(.unixTimestamp, args, .bigint)
        case "FROM_UNIXTIME":
            try a.arity(1...2)
            var args = [try a.integer(0)]
            if a.count == 2 { args.append(try a.string(1)) }
            return .call(.fromUnixtime, args, .varchar)
        case "TO_DATE":
            try a.arity(1...2)
            var args = [try a.string(0)]
            args.append(a.count == 2 ? try a.string(1) : .literal(.string("yyyy-MM-dd"), .varchar))
            return .call(.toDate, args, .date)
        default:
            return nil
        }
    }

    /// TIMESTAMPADD(unit, n, ts) and TIMESTAMPDIFF(unit, a, b), whose first argument is a unit
    /// word, not a value; nil for other calls.
    static func bindTimeUnitCall(_ call: FunctionCall, binder: ExpressionBinder) throws(SQLError) -> BoundExpr? {
        let name = call.upperName
        guard name == "TIMESTAMPADD" || name == "TIMESTAMPDIFF", call.over == nil else { return nil }
        guard call.arguments.count == 3 else {
            throw SQLError(.undefinedFunction, "\(name) takes 3 arguments, not \(call.arguments.count)", at: call.span)
        }
        let unit = try timeUnit(call.arguments[0], in: name)
        var args: [BoundExpr] = []
        for argument in call.arguments.dropFirst() { args.append(try binder.bind(argument)) }
        let a = FunctionArguments(name: name, args: [.literal(.null, .null)] + args, call: call, binder: binder)
        let unitLiteral = BoundExpr.literal(.string(unit.rawValue), .varchar)
        if name == "TIMESTAMPADD" {
            let value = try a.timestamp(2)
            let moved = BoundExpr.call(.timestampAdd, [unitLiteral, try a.integer(1), value], value.type)
            // A DATE stays a DATE.
            return args[1].type == .date ? .cast(moved, to: .date) : moved
        }
        return .call(.timestampDiff, [unitLiteral, try a.timestamp(1), try a.timestamp(2)], .integer)
    }

    /// The unit a bare word names (`DAY`, `HOUR`, ...; plural or SQL_TSI_ spellings too).
    static func timeUnit(_ expr: Expr, in function: String) throws(SQLError) -> DateTimeField {
        let units = "YEAR, QUARTER, MONTH, WEEK, DAY, HOUR, MINUTE, SECOND or MILLISECOND"
        guard case .column(let reference) = expr, reference.parts.count == 1, !reference.name.quoted else {
            throw SQLError(.syntaxError, "\(function) expects a time unit (\(units)) first", at: expr.span)
        }
        var word = reference.name.value.uppercased()
        if word.hasPrefix("SQL_TSI_") { word.removeFirst(8) }
        guard let unit = DateTimeField(rawValue: word), unit.isTimeUnit else {
            throw SQLError(.syntaxError, "\(function) expects a time unit (\(units)), not \(reference.name.value)", at: expr.span)
        }
        return unit
    }

    /// `OVERLAY(... PLACING ...)`, `POSITION(... IN ...)`, `FLOOR|CEIL(... TO unit)`.
    static func bindKeywordCall(_ call: KeywordCall, binder: ExpressionBinder) throws(SQLError) -> BoundExpr {
        var args: [BoundExpr] = []
        for argument in call.arguments { args.append(try binder.bind(argument)) }
        let a = FunctionArguments(
            name: call.name, args: args, call: FunctionCall(name: ObjectName([Identifier(call.name)]), arguments: call.arguments, span: call.span),
            binder: binder)
        switch call.name {
        case "OVERLAY":
            var parts = [try a.string(0), try a.string(1), try a.integer(2)]
            if a.count == 4 { parts.append(try a.integer(3)) }
            return .call(.overlay, parts, .varchar)
        case "POSITION":
            return .call(.position, [try a.string(0), try a.string(1)], .integer)
        default:
            guard let unit = call.unit else { throw SQLError.internal("\(call.name) without a unit") }
            let value = try a.timestamp(0)
            let rounded = BoundExpr.call(call.name == "FLOOR" ? .floorTime : .ceilTime, [.literal(.string(unit.rawValue), .varchar), value], value.type)
            // A DATE stays a DATE.
            return args[0].type == .date ? .cast(rounded, to: .date) : rounded
        }
    }
}
