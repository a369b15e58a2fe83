/// One SQL value, boxed. Used for literals, keys in state, and slow paths; hot loops read
/// `Column` buffers directly instead.
public enum Value: Hashable, Sendable, CustomStringConvertible {
    case null
    case boolean(Bool)
    /// INT and BIGINT.
    case int(Int64)
    case double(Double)
    /// DECIMAL: `unscaled / 10^scale`.
    case decimal(unscaled: Int128, scale: Int)
    case string(String)
    /// Milliseconds since the epoch.
    case timestamp(Int64)
    /// Days since the epoch.
    case date(Int64)
    /// Day-time interval in milliseconds.
    case interval(milliseconds: Int64)
    /// Year-month interval in months.
    case intervalMonths(Int64)
    /// ARRAY: the elements in order.
    case array([Value])
    /// MAP: keys and values, pairwise, in insertion order.
    case map(keys: [Value], values: [Value])
    /// ROW / STRUCT: the field values in the type's order (the type holds the names).
    case row([Value])

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The value in canonical text form, as sinks and result sets show it
    /// (timestamps `YYYY-MM-DD HH:MM:SS.mmm`, decimals without exponent). NULL prints as "NULL".
    public var description: String {
        switch self {
        case .null: return "NULL"
        case .boolean(let b): return b ? "TRUE" : "FALSE"
        case .int(let i): return String(i)
        case .double(let d): return DoubleFormat.text(d)
        case .decimal(let unscaled, let scale): return DecimalFormat.text(unscaled: unscaled, scale: scale)
        case .string(let s): return s
        case .timestamp(let ms): return TimeFormat.timestampText(ms)
        case .date(let days): return TimeFormat.dateText(days)
        case .interval(let ms): return "INTERVAL '\(DecimalFormat.text(unscaled: Int128(ms), scale: 3))' SECOND"
        case .intervalMonths(let months): return "INTERVAL '\(months)' MONTH"
        // Nested values print as Flink casts them to STRING: [1, 2], {k=v}, (1, x).
        case .array(let elements): return "[" + elements.map(\.description).joined(separator: ", ") + "]"
        case .map(let keys, let values):
            return "{" + zip(keys, values).map { "\($0)=\($1)" }.joined(separator: ", ") + "}"
        case .row(let fields): return "(" + fields.map(\.description).joined(separator: ", ") + ")"
        }
    }
}

extension Column {
    /// Row `row` boxed as a `Value` of `type`.
    public func value(at row: Int, type: SQLType) -> Value {
        if isNull(row) { return .null }
        switch type {
        case .boolean: return .boolean(ints[row] != 0)
        case .integer, .bigint: return .int(ints[row])
        case .double: return .double(doubles[row])
        case .decimal(_, let scale): return .decimal(unscaled: unscaled(at: row), scale: scale)
        case .varchar: return .string(strings[row])
        case .timestamp: return .timestamp(ints[row])
        case .date: return .date(ints[row])
        case .intervalDayTime: return .interval(milliseconds: ints[row])
        case .intervalYearMonth: return .intervalMonths(ints[row])
        case .null: return .null
        case .array(let element):
            return .array(listRange(row).map { children[0].value(at: $0, type: element) })
        case .map(let keyType, let valueType):
            let range = listRange(row)
            return .map(
                keys: range.map { children[0].value(at: $0, type: keyType) },
                values: range.map { children[1].value(at: $0, type: valueType) })
        case .row(let fields):
            return .row(fields.indices.map { children[$0].value(at: row, type: fields[$0].type) })
        }
    }

    /// Appends a boxed value; its case must match this column's kind (or be NULL).
    public mutating func append(_ value: Value) {
        switch value {
        case .null:
            appendNull()
            return
        case .boolean(let b): ints.append(b ? 1 : 0)
        case .int(let i), .timestamp(let i), .date(let i), .interval(let i), .intervalMonths(let i):
            if kind == .double { doubles.append(Double(i)) } else { ints.append(i) }
        case .decimal(let unscaled, _):
            if kind == .int128 { wides.append(unscaled) } else { ints.append(Int64(truncatingIfNeeded: unscaled)) }
        case .double(let d): doubles.append(d)
        case .string(let s): strings.append(s)
        case .array(let elements):
            for element in elements { children[0].append(element) }
            ints.append(Int64(children[0].count))
        case .map(let keys, let values):
            for key in keys { children[0].append(key) }
            for value in values { children[1].append(value) }
            ints.append(Int64(children[0].count))
        case .row(let fields):
            for (i, field) in fields.enumerated() where i < children.count { children[i].append(field) }
            // A row value narrower than the type (never from the binder) pads with NULLs.
            for i in fields.count..<max(fields.count, children.count) { children[i].appendNull() }
            ints.append(0)
        }
        if validity != nil { validity!.append(true) }
    }
}
