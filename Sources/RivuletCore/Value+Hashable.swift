/// Values are equal when they hold the same case and parts, except that a MAP is a set of
/// entries: two maps with the same entries are equal whatever their order, and hash alike.
extension Value {
    public static func == (a: Value, b: Value) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.boolean(let x), .boolean(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.double(let x), .double(let y)): return x == y
        case (.decimal(let x, let s), .decimal(let y, let t)): return x == y && s == t
        case (.string(let x), .string(let y)): return x == y
        case (.timestamp(let x), .timestamp(let y)): return x == y
        case (.date(let x), .date(let y)): return x == y
        case (.interval(let x), .interval(let y)): return x == y
        case (.intervalMonths(let x), .intervalMonths(let y)): return x == y
        case (.array(let x), .array(let y)): return x == y
        case (.row(let x), .row(let y)): return x == y
        case (.map(let keys, let values), .map(let otherKeys, let otherValues)):
            guard keys.count == otherKeys.count else { return false }
            if keys == otherKeys { return values == otherValues }
            for (key, value) in zip(keys, values) {
                guard let at = otherKeys.firstIndex(of: key), otherValues[at] == value else { return false }
            }
            return true
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .boolean(let x): hasher.combine(1); hasher.combine(x)
        case .int(let x): hasher.combine(2); hasher.combine(x)
        case .double(let x): hasher.combine(3); hasher.combine(x)
        case .decimal(let x, let scale): hasher.combine(4); hasher.combine(x); hasher.combine(scale)
        case .string(let x): hasher.combine(5); hasher.combine(x)
        case .timestamp(let x): hasher.combine(6); hasher.combine(x)
        case .date(let x): hasher.combine(7); hasher.combine(x)
        case .interval(let x): hasher.combine(8); hasher.combine(x)
        case .intervalMonths(let x): hasher.combine(9); hasher.combine(x)
        case .array(let x): hasher.combine(10); hasher.combine(x)
        case .row(let x): hasher.combine(11); hasher.combine(x)
        case .map(let keys, let values):
            // Entries hashed apart and summed, so their order does not count.
            hasher.combine(12)
            var entries = 0
            for (key, value) in zip(keys, values) {
                var entry = Hasher()
                entry.combine(key)
                entry.combine(value)
                entries = entries &+ entry.finalize()
            }
            hasher.combine(entries)
        }
    }
}
