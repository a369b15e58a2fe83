/// A SQL data type as the binder and planner see it.
public enum SQLType: Hashable, Sendable, CustomStringConvertible {
    case boolean
    /// INT / INTEGER: 32-bit semantics, stored in 64-bit columns.
    case integer
    case bigint
    case double
    /// DECIMAL(p, s), stored as an Int64 unscaled value (p ≤ 18).
    case decimal(precision: Int, scale: Int)
    case varchar
    /// TIMESTAMP(p): milliseconds since the epoch, no time zone.
    case timestamp(precision: Int)
    /// DATE: days since the epoch.
    case date
    /// INTERVAL DAY TO SECOND, in milliseconds.
    case intervalDayTime
    /// INTERVAL YEAR TO MONTH, in months.
    case intervalYearMonth
    /// The type of a bare NULL literal, before coercion gives it a real one.
    case null

    public static let timestamp3 = SQLType.timestamp(precision: 3)

    /// How values of this type are laid out in a `Column`.
    public var physical: PhysicalKind {
        switch self {
        case .boolean: return .bool
        case .integer, .bigint, .decimal, .timestamp, .date, .intervalDayTime, .intervalYearMonth, .null: return .int64
        case .double: return .double
        case .varchar: return .bytes
        }
    }

    public var isNumeric: Bool {
        switch self {
        case .integer, .bigint, .double, .decimal: return true
        default: return false
        }
    }

    public var isInteger: Bool { self == .integer || self == .bigint }

    public var isTimestamp: Bool {
        if case .timestamp = self { return true }
        return false
    }

    public var decimalScale: Int {
        if case .decimal(_, let scale) = self { return scale }
        return 0
    }

    /// Canonical SQL spelling.
    public var description: String {
        switch self {
        case .boolean: return "BOOLEAN"
        case .integer: return "INT"
        case .bigint: return "BIGINT"
        case .double: return "DOUBLE"
        case .decimal(let p, let s): return "DECIMAL(\(p), \(s))"
        case .varchar: return "VARCHAR"
        case .timestamp(let p): return "TIMESTAMP(\(p))"
        case .date: return "DATE"
        case .intervalDayTime: return "INTERVAL DAY TO SECOND"
        case .intervalYearMonth: return "INTERVAL YEAR TO MONTH"
        case .null: return "NULL"
        }
    }
}

/// The three physical layouts of column data (booleans are kept as 0/1 in `ints`).
public enum PhysicalKind: Sendable, Hashable {
    case bool
    case int64
    case double
    case bytes
}
