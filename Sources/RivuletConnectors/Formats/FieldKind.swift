import RivuletCore

/// How a text decoder turns a field's bytes into a column value, derived once per column from
/// its declared SQL type so the per-field work is a switch on a small enum.
enum FieldKind: Sendable, Equatable {
    case boolean
    /// INT: an integer that must fit 32 bits.
    case int32
    /// BIGINT, and intervals given as a plain count of their unit.
    case int64
    case double
    case decimal(scale: Int)
    /// A DECIMAL of more than 18 digits (`Column.wides`).
    case wideDecimal(scale: Int)
    case string
    case timestamp
    case date
    /// The NULL type: every value is NULL.
    case alwaysNull
    /// ARRAY, MAP, ROW: a JSON value read into the type (`ValueJSON`).
    case nested

    init(_ type: SQLType) {
        switch type {
        case .boolean: self = .boolean
        case .integer: self = .int32
        case .bigint, .intervalDayTime, .intervalYearMonth: self = .int64
        case .double: self = .double
        case .decimal(_, let scale): self = type.physical == .int128 ? .wideDecimal(scale: scale) : .decimal(scale: scale)
        case .varchar: self = .string
        case .timestamp: self = .timestamp
        case .date: self = .date
        case .null: self = .alwaysNull
        case .array, .map, .row: self = .nested
        }
    }
}
