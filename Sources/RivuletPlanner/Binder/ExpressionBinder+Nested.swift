public import RivuletCore
import RivuletSQL

/// Constructors, accesses and functions of ARRAY, MAP and ROW values.
extension ExpressionBinder {
    func bindConstructor(_ node: NestedConstructor) throws(SQLError) -> BoundExpr {
        var items: [BoundExpr] = []
        for item in node.items { items.append(try bind(item)) }
        switch node.kind {
        case .array:
            guard !items.isEmpty else {
                throw SQLError(.datatypeMismatch, "cannot tell the element type of an empty ARRAY[]", at: node.span,
                               hint: "write CAST(ARRAY[] AS ARRAY<type>) or give an element")
            }
            let element = try commonType(of: items, at: node.span, what: "ARRAY[...]")
            guard element != .null else {
                throw SQLError(.datatypeMismatch, "cannot tell the element type of an ARRAY of NULLs", at: node.span)
            }
            var cast: [BoundExpr] = []
            for item in items { cast.append(try self.cast(item, to: element)) }
            return .call(.makeArray, cast, .array(element))
        case .map, .assignedMap:
            let keys = stride(from: 0, to: items.count, by: 2).map { items[$0] }
            let values = stride(from: 1, to: items.count, by: 2).map { items[$0] }
            guard !keys.isEmpty else {
                throw SQLError(.datatypeMismatch, "cannot tell the key and value types of an empty MAP", at: node.span)
            }
            let keyType = try commonType(of: keys, at: node.span, what: "MAP keys")
            let valueType = try commonType(of: values, at: node.span, what: "MAP values")
            guard keyType != .null, !keyType.isNested else {
                throw SQLError(.datatypeMismatch, "MAP keys must be of a simple type, not \(keyType)", at: node.span)
            }
            guard valueType != .null else {
                throw SQLError(.datatypeMismatch, "Cannot construct a map with all NULL values", at: node.span,
                               hint: "CAST one of them to the values' type")
            }
            var cast: [BoundExpr] = []
            for (key, value) in zip(keys, values) {
                cast.append(try self.cast(key, to: keyType))
                cast.append(try self.cast(value, to: valueType))
            }
            return .call(.makeMap, cast, .map(key: keyType, value: valueType))
        case .row, .struct:
            // Flink names a ROW(...)'s fields EXPR$0, EXPR$1, ...; ksqlDB upper-cases unquoted STRUCT names.
            let names = node.kind == .row
                ? items.indices.map { "EXPR$\($0)" }
                : node.names.map { $0.quoted ? $0.value : $0.value.uppercased() }
            let fields = zip(names, items).map { RowField($0, $1.type) }
            var cast: [BoundExpr] = []
            for (item, field) in zip(items, fields) { cast.append(try self.cast(item, to: field.type)) }
            return .call(.makeRow, cast, .row(fields))
        }
    }

    func bindSubscript(_ node: Subscript) throws(SQLError) -> BoundExpr {
        let base = try bind(node.base)
        switch base.type {
        case .array(let element):
            let index = try bind(node.index, typedLike: .integer)
            guard index.type.isInteger || index.type == .null else {
                throw SQLError(.datatypeMismatch, "an array index must be an integer, not \(index.type)", at: node.index.span)
            }
            return .call(.arrayElement, [base, try cast(index, to: .bigint)], element)
        case .map(let keyType, let valueType):
            let key = try bind(node.index, typedLike: keyType)
            guard TypeCoercion.commonType(key.type, keyType) != nil else {
                throw SQLError(.datatypeMismatch, "this map's keys are \(keyType), not \(key.type)", at: node.index.span)
            }
            return .call(.mapValue, [base, try cast(key, to: keyType)], valueType)
        case .null:
            return .literal(.null, .null)
        default:
            throw SQLError(.datatypeMismatch, "cannot subscript a value of type \(base.type); only ARRAY and MAP values take [...]",
                           at: node.base.span)
        }
    }

    func bindFieldAccess(_ node: FieldAccess) throws(SQLError) -> BoundExpr {
        try field(node.field, of: try bind(node.base), at: node.span)
    }

    /// Field `name` of `base`, a ROW: an exact match, else (unquoted) one ignoring case.
    func field(_ name: Identifier, of base: BoundExpr, at span: SourceSpan) throws(SQLError) -> BoundExpr {
        guard case .row(let fields) = base.type else {
            throw SQLError(.datatypeMismatch, "cannot take field '\(name.value)' of a value of type \(base.type)", at: span)
        }
        let position = fields.firstIndex { $0.name == name.value }
            ?? (name.quoted ? nil : fields.firstIndex { $0.name.lowercased() == name.value.lowercased() })
        guard let position else {
            let suggestion = closestName(to: name.value, among: fields.map(\.name))
            throw SQLError(.undefinedColumn, "\(base.type) has no field '\(name.value)'", at: name.span,
                           hint: suggestion.map { "did you mean '\($0)'?" })
        }
        return .call(.rowField, [base, .literal(.int(Int64(position)), .bigint)], fields[position].type)
    }

    /// `r.f` / `t.r.f.g` written as a column reference: the longest prefix that names a column,
    /// then fields. nil when no prefix names a ROW column.
    func bindFieldPath(_ reference: ColumnReference) throws(SQLError) -> BoundExpr? {
        let parts = reference.parts
        guard parts.count >= 2 else { return nil }
        for length in stride(from: parts.count - 1, through: 1, by: -1) {
            guard let base = try? resolveColumn(ColumnReference(Array(parts[..<length]))), case .row = base.type else { continue }
            var value = base
            for name in parts[length...] { value = try field(name, of: value, at: reference.span) }
            return value
        }
        return nil
    }

    /// The functions over nested values (part of `FunctionBinder.scalarNames`).
    static let nestedFunctionNames: [String] = [
        "CARDINALITY", "ELEMENT", "ARRAY_CONTAINS", "ARRAY_DISTINCT", "ARRAY_JOIN", "MAP_KEYS", "MAP_VALUES",
        "SLICE", "ARRAY_SLICE", "ARRAY_LENGTH", "ARRAY_MAX", "ARRAY_MIN", "ARRAY_SORT", "ARRAY_REMOVE", "ARRAY_EXCEPT",
        "ARRAY_INTERSECT", "ARRAY_UNION", "ARRAY_CONCAT", "ENTRIES", "AS_MAP", "MAP_UNION", "GENERATE_SERIES",
    ]

    /// The functions over nested values, by name; nil when `name` is not one.
    func bindNestedFunction(_ name: String, _ args: [BoundExpr], call: FunctionCall) throws(SQLError) -> BoundExpr? {
        guard Self.nestedFunctionNames.contains(name) else { return nil }
        func arity(_ counts: ClosedRange<Int>) throws(SQLError) {
            guard counts.contains(args.count) else {
                throw SQLError(.undefinedFunction, "\(name) takes \(counts.lowerBound == counts.upperBound ? "\(counts.lowerBound)" : "\(counts.lowerBound) to \(counts.upperBound)") arguments, not \(args.count)", at: call.span)
            }
        }
        func array(_ i: Int) throws(SQLError) -> SQLType {
            guard case .array(let element) = args[i].type else {
                throw SQLError(.datatypeMismatch, "\(name) expects an ARRAY, found \(args[i].type)", at: call.arguments[i].span)
            }
            return element
        }
        func map(_ i: Int) throws(SQLError) -> (SQLType, SQLType) {
            guard case .map(let key, let value) = args[i].type else {
                throw SQLError(.datatypeMismatch, "\(name) expects a MAP, found \(args[i].type)", at: call.arguments[i].span)
            }
            return (key, value)
        }
        func integer(_ i: Int) throws(SQLError) -> BoundExpr {
            guard args[i].type.isInteger || args[i].type == .null else {
                throw SQLError(.datatypeMismatch, "\(name) expects an integer, found \(args[i].type)", at: call.arguments[i].span)
            }
            return try cast(args[i], to: .bigint)
        }
        func string(_ i: Int) throws(SQLError) -> BoundExpr {
            try coerce(args[i], to: .varchar, at: call.arguments[i].span)
        }
        /// Two arrays of one element type, cast to it.
        func arrays() throws(SQLError) -> (BoundExpr, BoundExpr, SQLType) {
            try arity(2...2)
            let (first, second) = (try array(0), try array(1))
            guard let element = TypeCoercion.commonType(first, second) else {
                throw SQLError(.datatypeMismatch, "\(name) needs arrays of one element type, not \(args[0].type) and \(args[1].type)",
                               at: call.span)
            }
            return (try cast(args[0], to: .array(element)), try cast(args[1], to: .array(element)), .array(element))
        }
        switch name {
        case "ARRAY_LENGTH":
            try arity(1...1)
            _ = try array(0)
            return .call(.cardinality, args, .integer)
        case "ARRAY_MAX", "ARRAY_MIN":
            try arity(1...1)
            return .call(name == "ARRAY_MAX" ? .arrayMax : .arrayMin, args, try array(0))
        case "ARRAY_SORT":
            // ksqlDB's: ascending unless the second argument says 'DESC' (any case).
            try arity(1...2)
            _ = try array(0)
            var descending: BoundExpr = .literal(.boolean(false), .boolean)
            if args.count == 2 {
                let direction = try string(1)
                guard case .literal(.string(let text), _) = direction.unwrappedCast, ["ASC", "DESC"].contains(text.uppercased()) else {
                    throw SQLError(.invalidParameterValue, "ARRAY_SORT's direction is 'ASC' or 'DESC'", at: call.arguments[1].span)
                }
                descending = .literal(.boolean(text.uppercased() == "DESC"), .boolean)
            }
            return .call(.arraySort, [args[0], descending], args[0].type)
        case "ARRAY_REMOVE":
            try arity(2...2)
            let element = try array(0)
            guard TypeCoercion.commonType(element, args[1].type) != nil else {
                throw SQLError(.datatypeMismatch, "ARRAY_REMOVE removes \(element) values, not \(args[1].type)", at: call.arguments[1].span)
            }
            return .call(.arrayRemove, [args[0], try cast(args[1], to: element)], args[0].type)
        case "ARRAY_EXCEPT", "ARRAY_INTERSECT", "ARRAY_UNION", "ARRAY_CONCAT":
            let (first, second, type) = try arrays()
            let function: ScalarFunction = switch name {
            case "ARRAY_EXCEPT": .arrayExcept
            case "ARRAY_INTERSECT": .arrayIntersect
            case "ARRAY_UNION": .arrayUnion
            default: .arrayConcat
            }
            return .call(function, [first, second], type)
        case "ENTRIES":
            try arity(2...2)
            let (key, value) = try map(0)
            guard args[1].type == .boolean || args[1].type == .null else {
                throw SQLError(.datatypeMismatch, "ENTRIES' second argument says whether to sort: a BOOLEAN, not \(args[1].type)",
                               at: call.arguments[1].span)
            }
            return .call(.mapEntries, [args[0], try cast(args[1], to: .boolean)], .array(.row([RowField("K", key), RowField("V", value)])))
        case "AS_MAP":
            try arity(2...2)
            let (key, value) = (try array(0), try array(1))
            guard !key.isNested, key != .null else {
                throw SQLError(.datatypeMismatch, "MAP keys must be of a simple type, not \(key)", at: call.arguments[0].span)
            }
            return .call(.mapFromArrays, args, .map(key: key, value: value))
        case "MAP_UNION":
            try arity(2...2)
            _ = (try map(0), try map(1))
            guard let type = TypeCoercion.commonType(args[0].type, args[1].type) else {
                throw SQLError(.datatypeMismatch, "MAP_UNION needs maps of one type, not \(args[0].type) and \(args[1].type)",
                               at: call.span)
            }
            return .call(.mapUnion, [try cast(args[0], to: type), try cast(args[1], to: type)], type)
        case "GENERATE_SERIES":
            // ksqlDB's: counts down when start is past stop and no step is given.
            try arity(2...3)
            let bounds = [try integer(0), try integer(1)]
            let step = args.count == 3 ? try integer(2) : .call(
                .caseWhen, [.call(.lessOrEqual, bounds, .boolean), .literal(.int(1), .bigint), .literal(.int(-1), .bigint)], .bigint)
            let series: BoundExpr = .call(.integerSeries, bounds + [step], .array(.bigint))
            let isInt = args.prefix(2).allSatisfy { $0.type == .integer }
            return isInt ? try cast(series, to: .array(.integer)) : series
        case "CARDINALITY":
            try arity(1...1)
            switch args[0].type {
            case .array, .map: return .call(.cardinality, args, .integer)
            default:
                throw SQLError(.datatypeMismatch, "CARDINALITY expects an ARRAY or MAP, found \(args[0].type)", at: call.arguments[0].span)
            }
        case "ELEMENT":
            try arity(1...1)
            return .call(.element, args, try array(0))
        case "ARRAY_CONTAINS":
            try arity(2...2)
            let element = try array(0)
            guard let type = TypeCoercion.commonType(element, args[1].type), type == element || args[1].type == .null || element.isNumeric else {
                throw SQLError(.datatypeMismatch, "ARRAY_CONTAINS looks for \(element) values, not \(args[1].type)", at: call.arguments[1].span)
            }
            return .call(.arrayContains, [try cast(args[0], to: .array(type)), try cast(args[1], to: type)], .boolean)
        case "ARRAY_DISTINCT":
            try arity(1...1)
            _ = try array(0)
            return .call(.arrayDistinct, args, args[0].type)
        case "ARRAY_JOIN":
            // ksqlDB's delimiter defaults to a comma; Flink joins only strings, ksqlDB any
            // flat type (booleans as Java writes them, so they are not cast).
            try arity(1...3)
            let element = try array(0)
            let text = element == .varchar || element == .boolean ? args[0] : try cast(args[0], to: .array(.varchar))
            var rest = [text, args.count > 1 ? try string(1) : .literal(.string(","), .varchar)]
            if args.count == 3 { rest.append(try string(2)) }
            return .call(.arrayJoin, rest, .varchar)
        case "MAP_KEYS":
            try arity(1...1)
            return .call(.mapKeys, args, .array(try map(0).0))
        case "MAP_VALUES":
            try arity(1...1)
            return .call(.mapValues, args, .array(try map(0).1))
        default:  // SLICE, ARRAY_SLICE
            try arity(2...3)
            _ = try array(0)
            var rest = [args[0], try integer(1)]
            if args.count == 3 { rest.append(try integer(2)) }
            return .call(.slice, rest, args[0].type)
        }
    }
}
