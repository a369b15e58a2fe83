import Foundation
import RivuletCore

/// An Avro schema (Avro 1.11 specification), parsed from its JSON text. Named types are
/// resolved as they are parsed, so a reference to a record defined earlier is the record itself
/// (a record that contains itself is refused: SQL types cannot nest without end).
indirect enum AvroSchema: Hashable, Sendable {
    case null
    case boolean
    case int
    case long
    case float
    case double
    case bytes
    case string
    case record(Record)
    case `enum`(name: String, symbols: [String])
    case array(AvroSchema)
    case map(AvroSchema)
    case union([AvroSchema])
    case fixed(name: String, size: Int)
    /// A logical type over its underlying one: `decimal`, `date`, `time-millis`, `timestamp-millis`, ...
    case logical(LogicalType, AvroSchema)

    struct Record: Hashable, Sendable {
        /// The full name, namespace included.
        var name: String
        var fields: [Field]
    }

    struct Field: Hashable, Sendable {
        var name: String
        var schema: AvroSchema
        /// Whether the field declares `"default": null` (ksqlDB's optional fields do).
        var defaultsToNull: Bool
    }

    enum LogicalType: Hashable, Sendable {
        case decimal(precision: Int, scale: Int)
        case date
        case timeMillis
        case timeMicros
        case timestampMillis
        case timestampMicros
    }

    struct ParseError: Error, CustomStringConvertible {
        var description: String
    }

    /// Parses the schema text a registry holds.
    init(parsing text: String) throws(ParseError) {
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        } catch {
            throw ParseError(description: "the Avro schema is not JSON: \(text.prefix(80))")
        }
        var named: [String: AvroSchema] = [:]
        self = try Self.parse(json, namespace: nil, named: &named)
    }

    /// The schema without its logical type, as it is written in binary.
    var underlying: AvroSchema {
        if case .logical(_, let base) = self { return base.underlying }
        return self
    }

    /// `["null", T]` (either order) is an optional `T`.
    var nonNullBranch: AvroSchema? {
        guard case .union(let branches) = self, branches.count == 2, branches.contains(.null) else { return nil }
        return branches.first { $0 != .null }
    }

    private static let primitives: [String: AvroSchema] = [
        "null": .null, "boolean": .boolean, "int": .int, "long": .long, "float": .float, "double": .double,
        "bytes": .bytes, "string": .string,
    ]

    private static func fullName(_ name: String, namespace: String?) -> String {
        name.contains(".") || namespace?.isEmpty != false ? name : "\(namespace!).\(name)"
    }

    private static func parse(_ json: Any, namespace: String?, named: inout [String: AvroSchema]) throws(ParseError) -> AvroSchema {
        if let name = json as? String {
            if let primitive = primitives[name] { return primitive }
            if let found = named[fullName(name, namespace: namespace)] ?? named[name] { return found }
            throw ParseError(description: "the Avro schema names an undefined type '\(name)'")
        }
        if let branches = json as? [Any] {
            var parsed: [AvroSchema] = []
            for branch in branches { parsed.append(try parse(branch, namespace: namespace, named: &named)) }
            return .union(parsed)
        }
        guard let object = json as? [String: Any], let type = object["type"] else {
            throw ParseError(description: "an Avro schema is a name, a list or an object with a 'type'")
        }
        let base: AvroSchema
        switch type as? String {
        case "record", "error":
            guard let name = object["name"] as? String else { throw ParseError(description: "an Avro record needs a 'name'") }
            let space = (object["namespace"] as? String) ?? namespace
            let full = fullName(name, namespace: space)
            let inner = full.contains(".") ? String(full[..<full.lastIndex(of: ".")!]) : space
            var fields: [Field] = []
            for field in object["fields"] as? [[String: Any]] ?? [] {
                guard let fieldName = field["name"] as? String, let fieldType = field["type"] else {
                    throw ParseError(description: "a field of Avro record '\(full)' needs a 'name' and a 'type'")
                }
                let schema = try parse(fieldType, namespace: inner, named: &named)
                fields.append(Field(name: fieldName, schema: schema, defaultsToNull: field.keys.contains("default") && field["default"] is NSNull))
            }
            base = .record(Record(name: full, fields: fields))
            named[full] = base
        case "enum":
            guard let name = object["name"] as? String else { throw ParseError(description: "an Avro enum needs a 'name'") }
            let full = fullName(name, namespace: (object["namespace"] as? String) ?? namespace)
            base = .enum(name: full, symbols: object["symbols"] as? [String] ?? [])
            named[full] = base
        case "array":
            guard let items = object["items"] else { throw ParseError(description: "an Avro array needs 'items'") }
            base = .array(try parse(items, namespace: namespace, named: &named))
        case "map":
            guard let values = object["values"] else { throw ParseError(description: "an Avro map needs 'values'") }
            base = .map(try parse(values, namespace: namespace, named: &named))
        case "fixed":
            guard let name = object["name"] as? String, let size = object["size"] as? Int else {
                throw ParseError(description: "an Avro fixed needs a 'name' and a 'size'")
            }
            let full = fullName(name, namespace: (object["namespace"] as? String) ?? namespace)
            base = .fixed(name: full, size: size)
            named[full] = base
        default:
            // `{"type": "long", "logicalType": ...}` or `{"type": {...}}`.
            base = try parse(type, namespace: namespace, named: &named)
        }
        switch object["logicalType"] as? String {
        case "decimal":
            guard let precision = object["precision"] as? Int else { return base }
            return .logical(.decimal(precision: precision, scale: object["scale"] as? Int ?? 0), base)
        case "date" where base == .int: return .logical(.date, base)
        case "time-millis" where base == .int: return .logical(.timeMillis, base)
        case "time-micros" where base == .long: return .logical(.timeMicros, base)
        case "timestamp-millis" where base == .long: return .logical(.timestampMillis, base)
        case "timestamp-micros" where base == .long: return .logical(.timestampMicros, base)
        default: return base  // an unknown logical type reads as its underlying type, as the specification says
        }
    }
}
