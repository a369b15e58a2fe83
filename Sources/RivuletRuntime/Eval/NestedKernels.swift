import RivuletCore
import RivuletPlanner

/// Kernels over ARRAY, MAP and ROW values. Nested values are built and read through their
/// boxed form row by row: their layouts vary with the type, and these expressions are rare
/// next to the flat arithmetic and comparisons the typed kernels serve.
enum NestedKernels {
    /// A node computing each row's value from its arguments' values. When `strict`, a NULL
    /// argument gives NULL without calling `f`.
    static func boxed(
        type: SQLType, _ children: [CompiledNode], strict: Bool = true,
        _ f: @escaping @Sendable ([Value]) throws(SQLError) -> Value
    ) -> CompiledNode {
        let types = children.map(\.type)
        return CompiledNode(type: type, children: children) { input throws(SQLError) in
            var columns: [Column] = []
            for child in children { columns.append(try child.run(input)) }
            var out = Column(type: type, capacity: input.count)
            var args: [Value] = []
            for row in 0..<input.count {
                args.removeAll(keepingCapacity: true)
                for c in columns.indices { args.append(columns[c].value(at: row, type: types[c])) }
                if strict, args.contains(where: \.isNull) {
                    out.appendNull()
                    continue
                }
                out.append(try f(args))
            }
            return out
        }
    }

    /// CAST to or from a nested type: VARCHAR holding JSON to ARRAY / MAP / ROW (NULL when it
    /// does not parse or fit, as every cast here), and between nested types of one shape by
    /// casting their parts.
    static func cast(_ x: CompiledNode, to target: SQLType) throws(SQLError) -> CompiledNode {
        let source = x.type
        if source == .varchar {
            return boxed(type: target, [x]) { args in
                guard case .string(let text) = args[0] else { return .null }
                return ValueJSON.parse(text, as: target) ?? .null
            }
        }
        guard let convert = converter(from: source, to: target) else {
            throw SQLError(.datatypeMismatch, "cannot cast \(source) to \(target)")
        }
        return boxed(type: target, [x]) { args in convert(args[0]) }
    }

    /// Converts a value of `source` to `target` part by part; nil when the shapes differ.
    private static func converter(from source: SQLType, to target: SQLType) -> (@Sendable (Value) -> Value)? {
        if source == target { return { $0 } }
        switch (source, target) {
        case (.array(let from), .array(let to)):
            guard let element = converter(from: from, to: to) else { return nil }
            return { value in
                guard case .array(let items) = value else { return .null }
                return .array(items.map(element))
            }
        case (.map(let fromKey, let fromValue), .map(let toKey, let toValue)):
            guard let key = converter(from: fromKey, to: toKey), let item = converter(from: fromValue, to: toValue) else {
                return nil
            }
            return { value in
                guard case .map(let keys, let values) = value else { return .null }
                return .map(keys: keys.map(key), values: values.map(item))
            }
        case (.row(let from), .row(let to)):
            guard from.count == to.count else { return nil }
            var fields: [@Sendable (Value) -> Value] = []
            for (a, b) in zip(from, to) {
                guard let field = converter(from: a.type, to: b.type) else { return nil }
                fields.append(field)
            }
            let converters = fields
            return { value in
                guard case .row(let items) = value else { return .null }
                return .row(zip(converters, items).map { $0($1) })
            }
        case (_, _) where !source.isNested && !target.isNested:
            return { value in Self.flatCast(value, to: target) }
        default:
            return nil
        }
    }

    /// A flat value cast inside a nested one, by the same rules as the column kernels:
    /// through the one-row kernel, so there is one set of cast rules.
    private static func flatCast(_ value: Value, to target: SQLType) -> Value {
        if value.isNull { return .null }
        guard let type = value.naturalType,
            let kernel = try? CastKernels.compile(.literal(value, type), to: target),
            let column = try? kernel.run(EvalInput(batch: RowBatch(columns: [], count: 1), now: 0))
        else { return .null }
        return column.value(at: 0, type: target)
    }

    static func compile(_ function: ScalarFunction, _ children: [CompiledNode], type: SQLType) throws(SQLError) -> CompiledNode {
        switch function {
        case .makeArray:
            return boxed(type: type, children, strict: false) { args in .array(args) }
        case .makeMap:
            return boxed(type: type, children, strict: false) { args in
                Self.map(stride(from: 0, to: args.count - 1, by: 2).lazy.map { (args[$0], args[$0 + 1]) })
            }
        case .makeRow:
            return boxed(type: type, children, strict: false) { args in .row(args) }
        case .arrayElement:
            return boxed(type: type, children) { args in
                guard case .array(let items) = args[0], case .int(let index) = args[1] else { return .null }
                let position = index > 0 ? Int(index) - 1 : items.count + Int(index)
                return index != 0 && position >= 0 && position < items.count ? items[position] : .null
            }
        case .mapValue:
            return boxed(type: type, children) { args in
                guard case .map(let keys, let values) = args[0], let i = keys.firstIndex(of: args[1]) else { return .null }
                return values[i]
            }
        case .rowField:
            guard case .int(let position)? = children.count == 2 ? children[1].constant : nil else {
                throw SQLError.internal("a row field position must be a constant")
            }
            // A ROW column keeps each field as a child column, with a NULL slot where the row is
            // NULL: the field is that column as it is.
            let field = Int(position)
            let row = children[0]
            guard case .row(let fields) = row.type, field < fields.count else {
                throw SQLError.internal("row field \(field) of \(row.type)")
            }
            return CompiledNode(type: type, children: [row]) { input throws(SQLError) in
                let column = try row.run(input)
                guard column.kind == .struct, field < column.children.count else {
                    throw SQLError.internal("a \(row.type) value is not laid out as a ROW column")
                }
                return column.children[field]
            }
        case .cardinality:
            return boxed(type: type, children) { args in
                switch args[0] {
                case .array(let items): return .int(Int64(items.count))
                case .map(let keys, _): return .int(Int64(keys.count))
                default: return .null
                }
            }
        case .element:
            var node = boxed(type: type, children) { args throws(SQLError) in
                guard case .array(let items) = args[0] else { return .null }
                guard items.count <= 1 else {
                    throw SQLError(.cardinalityViolation, "ELEMENT of an array of \(items.count) elements: it must have at most one")
                }
                return items.first ?? .null
            }
            node.mayThrow = true
            return node
        case .arrayContains:
            return boxed(type: type, children, strict: false) { args in
                guard case .array(let items) = args[0] else { return .null }
                return .boolean(items.contains(args[1]))
            }
        case .arrayConcat:
            return boxed(type: type, children, strict: false) { args in
                switch (args[0], args[1]) {
                case (.array(let left), .array(let right)): return .array(left + right)
                case (.array, _): return args[0]
                case (_, .array): return args[1]
                default: return .null
                }
            }
        case .integerSeries:
            var node = boxed(type: type, children) { args throws(SQLError) in
                guard case .int(let start) = args[0], case .int(let stop) = args[1] else { return .null }
                var step: Int64 = 1
                if args.count > 2 {
                    guard case .int(let given) = args[2] else { return .null }
                    step = given
                }
                guard step != 0 else { throw SQLError(.invalidParameterValue, "step size cannot equal zero") }
                let count = step > 0 ? (stop >= start ? (stop - start) / step + 1 : 0) : (start >= stop ? (start - stop) / -step + 1 : 0)
                guard count <= 10_000_000 else {
                    throw SQLError(SQLState("54000"), "generate_series of \(count) values: at most 10000000 are allowed")
                }
                return .array((0..<count).map { .int(start + $0 * step) })
            }
            node.mayThrow = true
            return node
        case .arrayDistinct:
            return boxed(type: type, children) { args in
                guard case .array(let items) = args[0] else { return .null }
                var seen = Set<Value>()
                return .array(items.filter { seen.insert($0).inserted })
            }
        case .arraySum:
            return boxed(type: type, children) { args in
                guard case .array(let items) = args[0] else { return .null }
                switch type.physical {
                case .double:
                    return .double(items.reduce(0) { sum, item in if case .double(let d) = item { sum + d } else { sum } })
                default:
                    // Java's integer addition, which ksqlDB's SUM_LIST uses, wraps around.
                    return .int(items.reduce(0) { sum, item in if case .int(let i) = item { sum &+ i } else { sum } })
                }
            }
        case .arrayJoin:
            return boxed(type: type, children) { args in
                guard case .array(let items) = args[0], case .string(let delimiter) = args[1] else { return .null }
                let replacement: String? = if args.count > 2, case .string(let r) = args[2] { r } else { nil }
                let texts = items.compactMap { item -> String? in
                    if case .string(let s) = item { return s }
                    if case .boolean(let b) = item { return b ? "true" : "false" }
                    return item.isNull ? replacement : item.description
                }
                return .string(texts.joined(separator: delimiter))
            }
        case .arrayMax, .arrayMin:
            let greatest = function == .arrayMax
            return boxed(type: type, children) { args in
                guard case .array(let items) = args[0] else { return .null }
                return items.filter { !$0.isNull }.max { greatest ? ValueOrder.compare($0, $1) < 0 : ValueOrder.compare($0, $1) > 0 } ?? .null
            }
        case .arraySort:
            return boxed(type: type, children) { args in
                guard case .array(let items) = args[0], case .boolean(let descending) = args[1] else { return .null }
                let values = items.filter { !$0.isNull }
                let sorted = values.sorted { descending ? ValueOrder.compare($0, $1) > 0 : ValueOrder.compare($0, $1) < 0 }
                return .array(sorted + Array(repeating: .null, count: items.count - values.count))
            }
        case .arrayRemove:
            return boxed(type: type, children, strict: false) { args in
                guard case .array(let items) = args[0] else { return .null }
                return .array(items.filter { $0 != args[1] })
            }
        case .arrayExcept, .arrayIntersect, .arrayUnion:
            return boxed(type: type, children) { args in
                guard case .array(let first) = args[0], case .array(let second) = args[1] else { return .null }
                var seen = Set<Value>()
                switch function {
                case .arrayExcept:
                    let other = Set(second)
                    return .array(first.filter { !other.contains($0) && seen.insert($0).inserted })
                case .arrayIntersect:
                    let other = Set(second)
                    return .array(first.filter { other.contains($0) && seen.insert($0).inserted })
                default:
                    return .array((first + second).filter { seen.insert($0).inserted })
                }
            }
        case .mapEntries:
            return boxed(type: type, children) { args in
                guard case .map(let keys, let values) = args[0], case .boolean(let sorted) = args[1] else { return .null }
                var order = Array(keys.indices)
                if sorted { order.sort { ValueOrder.compare(keys[$0], keys[$1]) < 0 } }
                return .array(order.map { .row([keys[$0], values[$0]]) })
            }
        case .mapFromArrays:
            return boxed(type: type, children) { args in
                guard case .array(let keys) = args[0], case .array(let values) = args[1] else { return .null }
                return Self.map(zip(keys, values).filter { !$0.0.isNull })
            }
        case .mapUnion:
            return boxed(type: type, children, strict: false) { args in
                var pairs: [(Value, Value)] = []
                for case .map(let keys, let values) in args { pairs += zip(keys, values) }
                return args.allSatisfy(\.isNull) ? .null : Self.map(pairs)
            }
        case .mapKeys, .mapValues:
            let keys = function == .mapKeys
            return boxed(type: type, children) { args in
                guard case .map(let k, let v) = args[0] else { return .null }
                return .array(keys ? k : v)
            }
        case .slice:
            return boxed(type: type, children) { args in
                guard case .array(let items) = args[0], case .int(let from) = args[1] else { return .null }
                let n = Int64(items.count)
                var to = n
                if args.count > 2 {
                    guard case .int(let end) = args[2] else { return .null }
                    to = end
                }
                // 1-based and inclusive; negative counts from the end; 0 is the start.
                let start = from < 0 ? n + from + 1 : max(from, 1)
                let end = min(to < 0 ? n + to + 1 : to, n)
                guard start <= end, start >= 1, start <= n else { return .array([]) }
                return .array(Array(items[Int(start - 1)..<Int(end)]))
            }
        default:
            throw SQLError.internal("\(function) is not a nested-value function")
        }
    }

    /// A MAP of `pairs` in first-seen key order; a repeated key keeps its last value.
    private static func map(_ pairs: some Sequence<(Value, Value)>) -> Value {
        var keys: [Value] = [], values: [Value] = []
        var positions: [Value: Int] = [:]
        for (key, value) in pairs {
            if let at = positions[key] {
                values[at] = value
            } else {
                positions[key] = keys.count
                keys.append(key)
                values.append(value)
            }
        }
        return .map(keys: keys, values: values)
    }

    /// `=` and `<>` of nested values: NULL when either side is NULL, else whole-value equality.
    static func equality(_ l: CompiledNode, _ r: CompiledNode, negated: Bool) -> CompiledNode {
        boxed(type: .boolean, [l, r]) { args in .boolean((args[0] == args[1]) != negated) }
    }
}

extension Value {
    /// The type a flat value's case implies (DECIMAL keeps its scale), for casting it alone.
    var naturalType: SQLType? {
        switch self {
        case .boolean: return .boolean
        case .int: return .bigint
        case .double: return .double
        case .decimal(_, let scale): return .decimal(precision: DecimalFormat.maxPrecision, scale: scale)
        case .string: return .varchar
        case .timestamp: return .timestamp3
        case .date: return .date
        case .interval: return .intervalDayTime
        case .intervalMonths: return .intervalYearMonth
        case .null, .array, .map, .row: return nil
        }
    }
}
