/// A Postgres type OID as sent in RowDescription and ParameterDescription.
///
/// An open set: new types are static members.
public struct PGType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt32

    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }

    /// Parameter type left for the server to infer.
    public static let unspecified = PGType(0)
    public static let bool = PGType(16)
    public static let bytea = PGType(17)
    public static let int8 = PGType(20)
    public static let int2 = PGType(21)
    public static let int4 = PGType(23)
    public static let text = PGType(25)
    public static let float4 = PGType(700)
    public static let float8 = PGType(701)
    public static let varchar = PGType(1043)
    public static let date = PGType(1082)
    public static let timestamp = PGType(1114)
    public static let timestamptz = PGType(1184)
    public static let interval = PGType(1186)
    public static let numeric = PGType(1700)
    public static let json = PGType(114)
    // Array types, named after their elements as Postgres' `_int4` etc.
    public static let jsonArray = PGType(199)
    public static let boolArray = PGType(1000)
    public static let int2Array = PGType(1005)
    public static let int4Array = PGType(1007)
    public static let textArray = PGType(1009)
    public static let varcharArray = PGType(1015)
    public static let int8Array = PGType(1016)
    public static let float4Array = PGType(1021)
    public static let float8Array = PGType(1022)
    public static let timestampArray = PGType(1115)
    public static let dateArray = PGType(1182)
    public static let intervalArray = PGType(1187)
    public static let numericArray = PGType(1231)

    /// The array type whose elements are of this type (`int4` → `_int4`); nil when Postgres has none here.
    public var arrayType: PGType? {
        switch self {
        case .bool: return .boolArray
        case .int2: return .int2Array
        case .int4: return .int4Array
        case .int8: return .int8Array
        case .text: return .textArray
        case .varchar: return .varcharArray
        case .float4: return .float4Array
        case .float8: return .float8Array
        case .timestamp: return .timestampArray
        case .date: return .dateArray
        case .interval: return .intervalArray
        case .numeric: return .numericArray
        case .json: return .jsonArray
        default: return nil
        }
    }

    public var description: String { String(rawValue) }

    /// Size in bytes of the type's fixed-width binary form, or -1 for variable width (RowDescription's `typlen`).
    public var typeLength: Int16 {
        switch self {
        case .bool: return 1
        case .int2: return 2
        case .int4, .float4, .date: return 4
        case .int8, .float8, .timestamp, .timestamptz: return 8
        case .interval: return 16
        default: return -1
        }
    }

    /// Whether a text parameter of this type may be spliced into SQL as a bare numeric literal.
    var isNumeric: Bool {
        self == .int2 || self == .int4 || self == .int8 || self == .float4 || self == .float8 || self == .numeric
    }
}
