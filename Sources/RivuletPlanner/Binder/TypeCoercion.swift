public import RivuletCore

/// Flink SQL's implicit conversions, as far as Rivulet's types go.
enum TypeCoercion {
    /// The type two operands of arithmetic or comparison are converted to, or nil if none.
    static func commonType(_ a: SQLType, _ b: SQLType) -> SQLType? {
        if a == b { return a }
        switch (a, b) {
        case (.null, let other), (let other, .null): return other
        case (.integer, .bigint), (.bigint, .integer): return .bigint
        case (.double, _) where b.isNumeric, (_, .double) where a.isNumeric: return .double
        case (.decimal, .decimal): return DecimalTypes.common(a, b)
        case (.decimal, let other) where other.isInteger, (let other, .decimal) where other.isInteger: return DecimalTypes.common(a, b)
        case (.timestamp(let p1), .timestamp(let p2)): return .timestamp(precision: max(p1, p2))
        case (.timestamp, .date), (.date, .timestamp): return .timestamp3
        case (.timestamp, .varchar), (.varchar, .timestamp): return a.isTimestamp ? a : b
        case (.date, .varchar), (.varchar, .date): return .date
        // Nested types meet part by part; a ROW keeps the first one's field names.
        case (.array(let x), .array(let y)): return commonType(x, y).map(SQLType.array)
        case (.map(let k1, let v1), .map(let k2, let v2)):
            guard let key = commonType(k1, k2), let value = commonType(v1, v2) else { return nil }
            return .map(key: key, value: value)
        case (.row(let f1), .row(let f2)) where f1.count == f2.count:
            var fields: [RowField] = []
            for (x, y) in zip(f1, f2) {
                guard let type = commonType(x.type, y.type) else { return nil }
                fields.append(RowField(x.name, type))
            }
            return .row(fields)
        default: return nil
        }
    }

    /// Whether a value of `from` may be stored into a column of `to` without an explicit CAST
    /// (INSERT targets, VALUES rows).
    static func isAssignable(_ from: SQLType, to: SQLType) -> Bool {
        if from == to || from == .null { return true }
        if from.isNumeric && to.isNumeric { return true }
        switch (from, to) {
        case (.timestamp, .timestamp), (.date, .timestamp), (.timestamp, .date): return true
        case (.varchar, .timestamp), (.varchar, .date): return true
        case (.array(let x), .array(let y)): return isAssignable(x, to: y)
        case (.map(let k1, let v1), .map(let k2, let v2)): return isAssignable(k1, to: k2) && isAssignable(v1, to: v2)
        case (.row(let f1), .row(let f2)):
            return f1.count == f2.count && zip(f1, f2).allSatisfy { isAssignable($0.type, to: $1.type) }
        default: return false
        }
    }
}
