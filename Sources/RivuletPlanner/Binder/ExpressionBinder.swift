public import RivuletCore
import RivuletSQL

/// Turns syntax expressions into typed `BoundExpr`s, making every implicit cast explicit.
struct ExpressionBinder {
    /// Resolves a column reference in the current scope.
    var resolveColumn: (ColumnReference) throws(SQLError) -> BoundExpr
    /// Consulted first for every node: a replacement (a group key or aggregate already computed
    /// below), or nil to bind the node normally.
    var substitute: ((Expr) throws(SQLError) -> BoundExpr?)? = nil
    /// What to call the place aggregates are not allowed in, for the error message.
    var clause = "this clause"
    /// The client session's parameters and functions; nil outside a session (parameters are then an error).
    var context: BindingContext? = nil

    func bind(_ expr: Expr) throws(SQLError) -> BoundExpr {
        if let substitute, let replacement = try substitute(expr) { return replacement }
        switch expr {
        case .column(let reference):
            do {
                return try resolveColumn(reference)
            } catch {
                // `r.field`: a ROW column's field, when no qualified column has that name.
                if let field = try bindFieldPath(reference) { return field }
                // `current_user`, `session_user`, `current_schema`, ...: session functions without parentheses.
                if reference.parts.count == 1, let context,
                    let value = try context.callSessionFunction(reference.name.value.uppercased(), [])
                {
                    return Self.constant(value)
                }
                throw error
            }
        case .literal(let literal):
            return try LiteralBinder.bind(literal)
        case .parameter(let parameter):
            return try bind(expr, typedLike: .null)
        case .unary(let unary):
            return try bindUnary(unary)
        case .binary(let binary):
            return try bindBinary(binary)
        case .isJSON(let isJSON):
            let text = try coerce(try bind(isJSON.expr, typedLike: .varchar), to: .varchar, at: isJSON.expr.span)
            let kind = BoundExpr.literal(.string((isJSON.kind ?? .value).rawValue), .varchar)
            let call = BoundExpr.call(.isJSON, [text, kind], .boolean)
            return isJSON.negated ? .call(.not, [call], .boolean) : call
        case .isNull(let isNull):
            return .call(isNull.negated ? .isNotNull : .isNull, [try bind(isNull.expr)], .boolean)
        case .like(let like):
            var args = [try coerce(try bind(like.expr, typedLike: .varchar), to: .varchar, at: like.expr.span),
                        try coerce(try bind(like.pattern, typedLike: .varchar), to: .varchar, at: like.pattern.span)]
            if let escape = like.escape { args.append(try coerce(try bind(escape), to: .varchar, at: escape.span)) }
            let call = BoundExpr.call(.like, args, .boolean)
            return like.negated ? .call(.not, [call], .boolean) : call
        case .inList(let inList):
            let value = try bind(inList.expr)
            var items: [BoundExpr] = []
            for item in inList.list { items.append(try bind(item, typedLike: value.type)) }
            let type = try commonType(of: [value] + items, at: inList.span, what: "IN list")
            var args = [try cast(value, to: type)]
            for item in items { args.append(try cast(item, to: type)) }
            let call = BoundExpr.call(.inList, args, .boolean)
            return inList.negated ? .call(.not, [call], .boolean) : call
        case .between(let between):
            let value = try bind(between.expr)
            let low = try bind(between.low, typedLike: value.type)
            let high = try bind(between.high, typedLike: value.type)
            let type = try commonType(of: [value, low, high], at: between.span, what: "BETWEEN")
            let v = try cast(value, to: type)
            let range = BoundExpr.call(.and, [
                .call(.greaterOrEqual, [v, try cast(low, to: type)], .boolean),
                .call(.lessOrEqual, [v, try cast(high, to: type)], .boolean),
            ], .boolean)
            return between.negated ? .call(.not, [range], .boolean) : range
        case .function(let call):
            return try FunctionBinder.bind(call, clause: clause, binder: self)
        case .caseWhen(let caseWhen):
            return try bindCase(caseWhen)
        case .cast(let cast):
            // `CAST(ARRAY[] AS ARRAY<t>)`: the cast gives the empty array its type.
            if case .constructor(let c) = cast.expr, c.kind == .array, c.items.isEmpty, case .array = cast.type {
                return .literal(.array([]), cast.type)
            }
            let inner = try bind(cast.expr, typedLike: cast.type)
            if case .call(.regtype, _, _) = inner, cast.type == .varchar { return try self.cast(inner, to: .varchar) }
            return inner.type == cast.type ? inner : .cast(inner, to: cast.type)
        case .extract(let extract):
            let value = try bind(extract.expr)
            guard value.type.isTimestamp || value.type == .date || value.type == .null else {
                throw SQLError(.datatypeMismatch, "EXTRACT needs a TIMESTAMP or DATE, not \(value.type)", at: extract.expr.span)
            }
            return .call(.extract, [.literal(.string(extract.field.rawValue), .varchar), value], .bigint)
        case .substring(let substring):
            var args = [try coerce(try bind(substring.expr), to: .varchar, at: substring.expr.span),
                        try integerArgument(substring.start)]
            if let length = substring.length { args.append(try integerArgument(length)) }
            return .call(.substring, args, .varchar)
        case .trim(let trim):
            let function: ScalarFunction
            switch trim.side {
            case .leading: function = .ltrim
            case .trailing: function = .rtrim
            case .both, nil: function = .trim
            }
            var args = [try coerce(try bind(trim.expr), to: .varchar, at: trim.expr.span)]
            if let characters = trim.characters {
                args.append(try coerce(try bind(characters), to: .varchar, at: characters.span))
            }
            return .call(function, args, .varchar)
        case .keywordCall(let call):
            return try FunctionBinder.bindKeywordCall(call, binder: self)
        case .currentDateTime(let current):
            switch current.kind {
            case .currentTimestamp, .localTimestamp: return .call(.currentTimestamp, [], .timestamp3)
            case .currentDate: return .cast(.call(.currentTimestamp, [], .timestamp3), to: .date)
            case .currentTime, .localTime: throw SQLError.unsupported("TIME values are not supported", at: current.span)
            }
        case .inSubquery(let node):
            throw SQLError.unsupported("IN (SELECT ...) subqueries are not supported yet", at: node.span)
        case .scalarSubquery(let node):
            throw SQLError.unsupported("a scalar subquery is supported in the select list only", at: node.span)
        case .exists(let node):
            throw SQLError.unsupported("EXISTS subqueries are not supported yet", at: node.span)
        case .constructor(let node):
            return try bindConstructor(node)
        case .subscript(let node):
            return try bindSubscript(node)
        case .fieldAccess(let node):
            return try bindFieldAccess(node)
        }
    }

    // MARK: Operators

    private func bindUnary(_ unary: UnaryExpression) throws(SQLError) -> BoundExpr {
        switch unary.op {
        case .plus:
            return try bind(unary.operand)
        case .not:
            return .call(.not, [try coerce(try bind(unary.operand, typedLike: .boolean), to: .boolean, at: unary.operand.span)], .boolean)
        case .minus:
            let operand = try bind(unary.operand)
            switch operand {
            case .literal(.int(let v), let type): return .literal(.int(-v), type)
            case .literal(.double(let v), let type): return .literal(.double(-v), type)
            case .literal(.decimal(let v, let s), let type): return .literal(.decimal(unscaled: -v, scale: s), type)
            case .literal(.interval(let v), let type): return .literal(.interval(milliseconds: -v), type)
            default: break
            }
            guard operand.type.isNumeric || operand.type == .intervalDayTime || operand.type == .null else {
                throw SQLError(.datatypeMismatch, "cannot negate a value of type \(operand.type)", at: unary.span)
            }
            return .call(.negate, [operand], operand.type)
        }
    }

    private func bindBinary(_ binary: BinaryExpression) throws(SQLError) -> BoundExpr {
        var (left, right) = try bindOperands(binary.left, binary.right, of: binary.op)
        if [.equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual].contains(binary.op) {
            // Postgres gives a quoted literal the type of the number it is compared with, as
            // clients write oids (`a.attrelid = '16384'`); a literal that is no number fails.
            left = try Self.quotedLiteral(binary.left, left, typedAs: right.type) ?? left
            right = try Self.quotedLiteral(binary.right, right, typedAs: left.type) ?? right
        }
        switch binary.op {
        case .and, .or:
            let args = [try coerce(left, to: .boolean, at: binary.left.span), try coerce(right, to: .boolean, at: binary.right.span)]
            return .call(binary.op == .and ? .and : .or, args, .boolean)
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual:
            guard let type = TypeCoercion.commonType(left.type, right.type) else {
                throw SQLError(.datatypeMismatch, "cannot compare \(left.type) with \(right.type)", at: binary.span)
            }
            let function: ScalarFunction = switch binary.op {
            case .equal: .equal
            case .notEqual: .notEqual
            case .less: .less
            case .lessOrEqual: .lessOrEqual
            case .greater: .greater
            default: .greaterOrEqual
            }
            return .call(function, [try cast(left, to: type), try cast(right, to: type)], .boolean)
        case .isDistinctFrom, .isNotDistinctFrom:
            guard let type = TypeCoercion.commonType(left.type, right.type) else {
                throw SQLError(.datatypeMismatch, "cannot compare \(left.type) with \(right.type)", at: binary.span)
            }
            let (l, r) = (try cast(left, to: type), try cast(right, to: type))
            // Equal when both are values, else whether both are NULL.
            let bothNull = BoundExpr.call(.and, [.call(.isNull, [l], .boolean), .call(.isNull, [r], .boolean)], .boolean)
            let notDistinct = BoundExpr.call(.coalesce, [.call(.equal, [l, r], .boolean), bothNull], .boolean)
            return binary.op == .isNotDistinctFrom ? notDistinct : .call(.not, [notDistinct], .boolean)
        case .concat where left.type.isArray || right.type.isArray:
            // Postgres' array_cat: a NULL array is an empty one.
            guard let type = TypeCoercion.commonType(left.type, right.type), type.isArray else {
                throw SQLError(.datatypeMismatch, "cannot concatenate \(left.type) and \(right.type)", at: binary.span)
            }
            return .call(.arrayConcat, [try cast(left, to: type), try cast(right, to: type)], type)
        case .concat:
            return .call(.concat, [try coerce(left, to: .varchar, at: binary.left.span, lenient: true),
                                   try coerce(right, to: .varchar, at: binary.right.span, lenient: true)], .varchar)
        case .plus, .minus, .multiply, .divide, .modulo:
            return try arithmetic(binary.op, left, right, at: binary.span)
        }
    }

    /// A quoted literal `expr` (bound as `bound`) compared with a number of type `type`, as that
    /// number; nil for anything else.
    private static func quotedLiteral(_ expr: Expr, _ bound: BoundExpr, typedAs type: SQLType) throws(SQLError) -> BoundExpr? {
        guard case .literal(let literal) = expr, case .string(let text) = literal.value else { return nil }
        if case .array(let element) = type, element.isInteger || element == .varchar {
            // An array in its text form, `polroles = '{0}'`.
            guard let items = PostgresArrayLiteral.elements(of: text) else {
                throw SQLError(SQLState("22P02"), "malformed array literal: \"\(text)\"", at: literal.span)
            }
            var values: [Value] = []
            for item in items {
                guard element.isInteger else { values.append(.string(item)); continue }
                guard let number = Int64(item) else {
                    throw SQLError(.invalidTextRepresentation, "invalid input syntax for type \(element): \"\(item)\"", at: literal.span)
                }
                values.append(.int(number))
            }
            return .literal(.array(values), type)
        }
        guard type.isInteger else { return nil }
        guard let number = Int64(text) else {
            throw SQLError(.invalidTextRepresentation, "invalid input syntax for type \(type): \"\(text)\"", at: literal.span)
        }
        return .literal(.int(number), type)
    }

    func arithmetic(_ op: BinaryOperator, _ left: BoundExpr, _ right: BoundExpr, at span: SourceSpan) throws(SQLError) -> BoundExpr {
        // Time arithmetic: timestamp ± interval.
        if (left.type.isTimestamp || left.type == .date), right.type == .intervalDayTime || right.type == .intervalYearMonth,
           op == .plus || op == .minus {
            let amount = op == .minus ? BoundExpr.call(.negate, [right], right.type) : right
            let base = left.type == .date ? BoundExpr.cast(left, to: .timestamp3) : left
            return .call(.timestampAddInterval, [base, amount], base.type)
        }
        if left.type == .intervalDayTime, right.type.isTimestamp, op == .plus {
            return .call(.timestampAddInterval, [right, left], right.type)
        }
        // ksqlDB concatenates strings with `+`.
        if op == .plus, left.type == .varchar || right.type == .varchar, left.type == .varchar || left.type == .null,
           right.type == .varchar || right.type == .null {
            return .call(.concat, [try cast(left, to: .varchar), try cast(right, to: .varchar)], .varchar)
        }
        guard (left.type.isNumeric || left.type == .null), (right.type.isNumeric || right.type == .null) else {
            throw SQLError(.datatypeMismatch, "operator \(op.rawValue) cannot be applied to \(left.type) and \(right.type)", at: span)
        }
        let function: ScalarFunction = switch op {
        case .plus: .add
        case .minus: .subtract
        case .multiply: .multiply
        case .divide: .divide
        default: .modulo
        }
        guard var type = TypeCoercion.commonType(left.type, right.type) else {
            throw SQLError(.datatypeMismatch, "operator \(op.rawValue) cannot be applied to \(left.type) and \(right.type)", at: span)
        }
        if type == .null { type = .integer }
        if case .decimal = type {
            // Decimal operands keep their own precisions and scales; the result type is theirs by rule.
            let l = left.type.isInteger || left.type == .null ? BoundExpr.cast(left, to: DecimalTypes.operand(left.type)) : left
            let r = right.type.isInteger || right.type == .null ? BoundExpr.cast(right, to: DecimalTypes.operand(right.type)) : right
            let result: SQLType = switch function {
            case .multiply: DecimalTypes.product(l.type, r.type)
            case .divide: DecimalTypes.quotient(l.type, r.type)
            case .modulo: DecimalTypes.remainder(l.type, r.type)
            default: DecimalTypes.sum(l.type, r.type)
            }
            return .call(function, [l, r], result)
        }
        if function == .modulo, !type.isInteger, type != .double {
            throw SQLError(.datatypeMismatch, "operator % needs integers, not \(left.type) and \(right.type)", at: span)
        }
        return .call(function, [try cast(left, to: type), try cast(right, to: type)], type)
    }

    private func bindCase(_ caseWhen: CaseExpression) throws(SQLError) -> BoundExpr {
        let operand = try caseWhen.operand.map { (e: Expr) throws(SQLError) in try bind(e) }
        var conditions: [BoundExpr] = []
        var results: [BoundExpr] = []
        for branch in caseWhen.branches {
            let condition = try bind(branch.condition)
            if let operand {
                guard let type = TypeCoercion.commonType(operand.type, condition.type) else {
                    throw SQLError(.datatypeMismatch, "cannot compare \(operand.type) with \(condition.type)", at: branch.condition.span)
                }
                conditions.append(.call(.equal, [try cast(operand, to: type), try cast(condition, to: type)], .boolean))
            } else {
                conditions.append(try coerce(condition, to: .boolean, at: branch.condition.span))
            }
            results.append(try bind(branch.result))
        }
        let elseResult = try caseWhen.elseResult.map { (e: Expr) throws(SQLError) in try bind(e) } ?? .literal(.null, .null)
        let type = try commonType(of: results + [elseResult], at: caseWhen.span, what: "CASE results")
        var args: [BoundExpr] = []
        for (condition, result) in zip(conditions, results) {
            args.append(condition)
            args.append(try cast(result, to: type))
        }
        args.append(try cast(elseResult, to: type))
        return .call(.caseWhen, args, type)
    }

    // MARK: Parameters

    /// Binds `expr`; when it is a parameter, `type` (what its place calls for, `.null` for
    /// nothing) gives it its type.
    func bind(_ expr: Expr, typedLike type: SQLType) throws(SQLError) -> BoundExpr {
        guard case .parameter(let parameter) = expr else { return try bind(expr) }
        guard let context else { throw SQLError.unsupported("parameters are not supported here", at: parameter.span) }
        return .literal(.null, context.parameterType(parameter.index, context: type))
    }

    /// Binds the two operands of `op`; a parameter takes the other operand's type (the
    /// operator's own for AND, OR and ||).
    private func bindOperands(_ a: Expr, _ b: Expr, of op: BinaryOperator) throws(SQLError) -> (BoundExpr, BoundExpr) {
        switch op {
        case .and, .or: return (try bind(a, typedLike: .boolean), try bind(b, typedLike: .boolean))
        case .concat: return (try bind(a, typedLike: .varchar), try bind(b, typedLike: .varchar))
        default: break
        }
        if case .parameter = a {
            let right = try bind(b)
            return (try bind(a, typedLike: right.type), right)
        }
        let left = try bind(a)
        return (left, try bind(b, typedLike: left.type))
    }

    /// A session function's answer as a typed literal.
    static func constant(_ value: Value) -> BoundExpr {
        switch value {
        case .boolean: return .literal(value, .boolean)
        case .int(let v): return .literal(value, Int32(exactly: v) == nil ? .bigint : .integer)
        case .double: return .literal(value, .double)
        case .string: return .literal(value, .varchar)
        case .timestamp: return .literal(value, .timestamp3)
        case .date: return .literal(value, .date)
        default: return .literal(value, .null)
        }
    }

    // MARK: Coercion helpers

    func integerArgument(_ expr: Expr) throws(SQLError) -> BoundExpr {
        let bound = try bind(expr, typedLike: .bigint)
        guard bound.type.isInteger || bound.type == .null else {
            throw SQLError(.datatypeMismatch, "expected an integer, found \(bound.type)", at: expr.span)
        }
        return try cast(bound, to: .bigint)
    }

    /// The common type of several values (NULLs adapt), or a type-mismatch error.
    func commonType(of values: [BoundExpr], at span: SourceSpan, what: String) throws(SQLError) -> SQLType {
        var type = SQLType.null
        for value in values {
            guard let next = TypeCoercion.commonType(type, value.type) else {
                throw SQLError(.datatypeMismatch, "\(what) mixes \(type) and \(value.type)", at: span)
            }
            type = next
        }
        return type
    }

    /// `value` converted to `type` by an implicit cast (no-op when already of that type).
    func cast(_ value: BoundExpr, to type: SQLType) throws(SQLError) -> BoundExpr {
        if value.type == type || type == .null { return value }
        if case .call(.regtype, let oid, _) = value, type == .varchar {
            // A regtype's text is the type's name, as `atttypid::regtype::text` reads it.
            return .call(.formatType, oid + [.literal(.int(-1), .bigint)], .varchar)
        }
        if case .literal(let literal, _) = value, let folded = Self.fold(literal, to: type) {
            return .literal(folded, type)
        }
        return .cast(value, to: type)
    }

    /// A literal converted at plan time, when the conversion is exact.
    static func fold(_ literal: Value, to type: SQLType) -> Value? {
        switch (literal, type) {
        case (.null, _): return .null
        case (.int(let v), .bigint): return .int(v)
        case (.int(let v), .integer) where v >= Int64(Int32.min) && v <= Int64(Int32.max): return .int(v)
        case (.int(let v), .double): return .double(Double(v))
        case (.int(let v), .decimal(let precision, let scale)):
            return fold(.decimal(unscaled: Int128(v), scale: 0), to: .decimal(precision: precision, scale: scale))
        case (.decimal(let v, let from), .decimal(let precision, let to)) where to >= from:
            guard let scaled = DecimalFormat.rescale(v, from: from, to: to),
                scaled.magnitude < DecimalFormat.widePowersOfTen[precision].magnitude
            else { return nil }
            return .decimal(unscaled: scaled, scale: to)
        case (.decimal(let v, let scale), .double): return .double(DecimalFormat.double(unscaled: v, scale: scale))
        case (.string(let text), .timestamp): return TimeFormat.parseTimestamp(text).map(Value.timestamp)
        case (.string(let text), .date): return TimeFormat.parseDate(text).map(Value.date)
        default: return nil
        }
    }

    /// Requires `value` to be of `type` (NULL adapts); with `lenient`, anything casts.
    func coerce(_ value: BoundExpr, to type: SQLType, at span: SourceSpan, lenient: Bool = false) throws(SQLError) -> BoundExpr {
        if value.type == type { return value }
        if value.type == .null { return .literal(.null, type) }
        if lenient { return .cast(value, to: type) }
        throw SQLError(.datatypeMismatch, "expected \(type), found \(value.type)", at: span)
    }
}
