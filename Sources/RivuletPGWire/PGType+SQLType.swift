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
        // Postgres arrays are rectangular and typed by their innermost element, so an array of
        // arrays is the element's array type; ROW and MAP have no Postgres counterpart but json.
        case .array(let element):
            var inner = element
            while case .array(let deeper) = inner { inner = deeper }
            self = PGType(inner).arrayType ?? .textArray
        case .map, .row: self = .json
        }
    }

    /// The Rivulet type a parameter declared with this Postgres type stands for; nil for
    /// `unspecified` and types Rivulet has no counterpart of.
    public var sqlType: SQLType? {
        switch self {
        case .bool: return .boolean
        case .int2, .int4: return .integer
        case .int8: return .bigint
        case .float4, .float8: return .double
        case .numeric: return .decimal(precision: 18, scale: 6)
        case .text, .varchar: return .varchar
        case .timestamp, .timestamptz: return .timestamp3
        case .date: return .date
        default: return nil
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
