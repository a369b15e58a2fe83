public import RivuletCore

extension PGType {
    /// The Postgres type a Rivulet column is presented as.
    public init(_ type: SQLType) {
        switch type {
        case .boolean: self = .bool
        case .integer: self = .int4
        case .bigint: self = .int8
        case .double: self = .float8
        case .decimal: self = .numeric
        case .varchar, .null: self = .text
        case .timestamp: self = .timestamp
        case .date: self = .date
        case .intervalDayTime, .intervalYearMonth: self = .interval
        }
    }

    /// `atttypmod` as Postgres reports it: `(precision << 16 | scale) + 4` for numeric, the
    /// fractional-second precision for timestamps, -1 when unconstrained.
    public static func typeModifier(of type: SQLType) -> Int32 {
        switch type {
        case .decimal(let precision, let scale): return Int32((precision << 16) | scale) + 4
        case .timestamp(let precision): return Int32(precision)
        default: return -1
        }
    }
}
