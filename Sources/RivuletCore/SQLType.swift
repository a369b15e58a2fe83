/// A SQL data type as the binder and planner see it.
public indirect enum SQLType: Hashable, Sendable, CustomStringConvertible {
    case boolean
    /// INT / INTEGER: 32-bit semantics, stored in 64-bit columns.
    case integer
    case bigint
    case double
    /// DECIMAL(p, s), p ≤ 38: the unscaled value, in 64 bits up to 18 digits, else in 128.
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
    /// ARRAY<element> (ksqlDB and Flink), 1-based.
    case array(SQLType)
    /// MAP<key, value>: entries in insertion order, keys distinct.
    case map(key: SQLType, value: SQLType)
    /// ROW<name type, ...> (Flink) / STRUCT<name type, ...> (ksqlDB): named fields in order.
    case row([RowField])

    public static let timestamp3 = SQLType.timestamp(precision: 3)

    /// How values of this type are laid out in a `Column`.
    public var physical: PhysicalKind {
        switch self {
        case .boolean: return .bool
        case .decimal(let precision, _): return precision > DecimalFormat.maxInt64Precision ? .int128 : .int64
        case .integer, .bigint, .timestamp, .date, .intervalDayTime, .intervalYearMonth, .null: return .int64
        case .double: return .double
        case .varchar: return .bytes
        case .array, .map: return .list
        case .row: return .struct
        }
    }

    /// Whether values of this type hold other values (ARRAY, MAP, ROW).
    public var isNested: Bool {
        switch self {
        case .array, .map, .row: return true
        default: return false
        }
    }

    /// The types of a nested column's children, as `Column` lays them out: an array's
    /// elements, a map's keys and values, a row's fields. Empty for flat types.
    public var childTypes: [SQLType] {
        switch self {
        case .array(let element): return [element]
        case .map(let key, let value): return [key, value]
        case .row(let fields): return fields.map(\.type)
        default: return []
        }
    }

    public var isNumeric: Bool {
        switch self {
        case .integer, .bigint, .double, .decimal: return true
        default: return false
        }
    }

    public var isInteger: Bool { self == .integer || self == .bigint }
    public var isArray: Bool { if case .array = self { true } else { false } }

    public var isTimestamp: Bool {
        if case .timestamp = self { return true }
        return false
    }

    public var decimalScale: Int {
        if case .decimal(_, let scale) = self { return scale }
        return 0
    }

    /// The digits of a DECIMAL, or those an integer type needs as one (INT 10, BIGINT 19).
    public var decimalPrecision: Int {
        switch self {
        case .decimal(let precision, _): return precision
        case .integer: return 10
        case .bigint: return 19
        default: return 0
        }
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
        case .array(let element): return "ARRAY<\(element)>"
        case .map(let key, let value): return "MAP<\(key), \(value)>"
        case .row(let fields): return "ROW<\(fields.map(\.description).joined(separator: ", "))>"
        }
    }
}

/// One named field of a ROW / STRUCT type.
public struct RowField: Hashable, Sendable, CustomStringConvertible {
    public var name: String
    public var type: SQLType

    public init(_ name: String, _ type: SQLType) {
        self.name = name
        self.type = type
    }

    /// The name is quoted when it is not a plain identifier, so the type prints as valid SQL.
    public var description: String {
        let plain = name.first.map { $0.isLetter || $0 == "_" } == true
            && name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
        return (plain ? name : "`" + name.split(separator: "`", omittingEmptySubsequences: false).joined(separator: "``") + "`") + " \(type)"
    }
}

/// The physical layouts of column data (booleans are kept as 0/1 in `ints`).
public enum PhysicalKind: Sendable, Hashable {
    case bool
    case int64
    /// DECIMALs of more than 18 digits, in `Column.wides`.
    case int128
    case double
    case bytes
    /// ARRAY and MAP: an end offset per row in `ints`, elements in `children` (a map has two:
    /// keys and values), as Arrow's list and map layouts.
    case list
    /// ROW: one child column per field, each with a slot for every row, as Arrow's struct layout.
    case `struct`
}
