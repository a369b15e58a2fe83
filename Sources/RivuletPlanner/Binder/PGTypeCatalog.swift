public import RivuletCore

/// The Postgres types Rivulet's values are presented as: their oids, names and sizes, as
/// `pg_type` lists them and `format_type` spells them.
public enum PGTypeCatalog {
    public struct Entry: Sendable {
        public var oid: Int64
        public var name: String
        /// Size in bytes, -1 for variable width.
        public var length: Int64
        public var category: String
        /// The oid of the array type of this type.
        public var arrayOID: Int64
    }

    /// Every type `pg_type` lists.
    public static let entries: [Entry] = [
        Entry(oid: 16, name: "bool", length: 1, category: "B", arrayOID: 1000),
        Entry(oid: 17, name: "bytea", length: -1, category: "U", arrayOID: 1001),
        Entry(oid: 18, name: "char", length: 1, category: "Z", arrayOID: 1002),
        Entry(oid: 19, name: "name", length: 64, category: "S", arrayOID: 1003),
        Entry(oid: 20, name: "int8", length: 8, category: "N", arrayOID: 1016),
        Entry(oid: 21, name: "int2", length: 2, category: "N", arrayOID: 1005),
        Entry(oid: 23, name: "int4", length: 4, category: "N", arrayOID: 1007),
        Entry(oid: 25, name: "text", length: -1, category: "S", arrayOID: 1009),
        Entry(oid: 26, name: "oid", length: 4, category: "N", arrayOID: 1028),
        Entry(oid: 700, name: "float4", length: 4, category: "N", arrayOID: 1021),
        Entry(oid: 701, name: "float8", length: 8, category: "N", arrayOID: 1022),
        Entry(oid: 1042, name: "bpchar", length: -1, category: "S", arrayOID: 1014),
        Entry(oid: 1043, name: "varchar", length: -1, category: "S", arrayOID: 1015),
        Entry(oid: 1082, name: "date", length: 4, category: "D", arrayOID: 1182),
        Entry(oid: 1114, name: "timestamp", length: 8, category: "D", arrayOID: 1115),
        Entry(oid: 1184, name: "timestamptz", length: 8, category: "D", arrayOID: 1185),
        Entry(oid: 1186, name: "interval", length: 16, category: "T", arrayOID: 1187),
        Entry(oid: 1700, name: "numeric", length: -1, category: "N", arrayOID: 1231),
        Entry(oid: 114, name: "json", length: -1, category: "U", arrayOID: 199),
        // A pseudo-type: what a trigger function returns (clients leave such functions out by it).
        Entry(oid: 2279, name: "trigger", length: 4, category: "P", arrayOID: 0),
    ]

    /// The type `name` (a `pg_type` name or an SQL spelling such as `integer`), if listed.
    public static func oid(named name: String) -> Int64? {
        var key = name.lowercased()
        if key.hasPrefix("pg_catalog.") { key.removeFirst("pg_catalog.".count) }
        let aliases = [
            "boolean": "bool", "bigint": "int8", "integer": "int4", "int": "int4", "smallint": "int2",
            "double precision": "float8", "real": "float4", "character varying": "varchar", "character": "bpchar",
            "timestamp without time zone": "timestamp", "timestamp with time zone": "timestamptz", "decimal": "numeric",
        ]
        let canonical = aliases[key] ?? key
        return entries.first { $0.name == canonical }?.oid
    }

    /// The oid a column of `type` has in `pg_attribute.atttypid`.
    public static func oid(of type: SQLType) -> Int64 {
        switch type {
        case .boolean: return 16
        case .integer: return 23
        case .bigint: return 20
        case .double: return 701
        case .decimal: return 1700
        case .varchar, .null: return 1043
        case .timestamp: return 1114
        case .date: return 1082
        case .intervalDayTime, .intervalYearMonth: return 1186
        // As pgwire sends them: arrays typed by their innermost element, ROW and MAP as json.
        case .array(let element):
            var inner = element
            while case .array(let deeper) = inner { inner = deeper }
            let elementOID = inner == .varchar || inner == .null ? 25 : oid(of: inner)
            return entries.first { $0.oid == elementOID }?.arrayOID ?? 1009
        case .map, .row: return 114
        }
    }

    /// `atttypmod`: `(precision << 16 | scale) + 4` for numeric, the fractional-second
    /// precision for timestamps, -1 when unconstrained.
    public static func typeModifier(of type: SQLType) -> Int64 {
        switch type {
        case .decimal(let precision, let scale): return Int64((precision << 16) | scale) + 4
        case .timestamp(let precision): return Int64(precision)
        default: return -1
        }
    }

    /// `format_type(oid, typmod)`: the SQL spelling of a type, as Postgres writes it.
    public static func formatType(oid: Int64, modifier: Int64?) -> String? {
        let modifier = modifier ?? -1
        switch oid {
        case 16: return "boolean"
        case 20: return "bigint"
        case 21: return "smallint"
        case 23: return "integer"
        case 25: return "text"
        case 700: return "real"
        case 701: return "double precision"
        case 1043: return modifier >= 4 ? "character varying(\(modifier - 4))" : "character varying"
        case 1082: return "date"
        case 1114: return modifier >= 0 ? "timestamp(\(modifier)) without time zone" : "timestamp without time zone"
        case 1184: return modifier >= 0 ? "timestamp(\(modifier)) with time zone" : "timestamp with time zone"
        case 1186: return "interval"
        case 1700:
            guard modifier >= 4 else { return "numeric" }
            return "numeric(\((modifier - 4) >> 16),\((modifier - 4) & 0xFFFF))"
        default:
            if let element = entries.first(where: { $0.arrayOID == oid }) {
                return (formatType(oid: element.oid, modifier: nil) ?? element.name) + "[]"
            }
            return entries.first { $0.oid == oid }?.name
        }
    }
}
