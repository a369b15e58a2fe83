import Foundation
import RivuletCore

/// ksqlDB's `JSON_SR` format: JSON text under a registered JSON Schema. The text reads and
/// writes as the `JSON` format's does; the schema only names the columns and their types.
struct JSONSchemaRecordCodec: RegistryRecordCodec {
    static let schemaType = "JSON"
    static let upperCasesInferredNames = true

    private let schema: RegisteredSchema

    init(schema: RegisteredSchema, columns: [RowField], fullName: String?) throws(SQLError) {
        self.schema = schema
    }

    /// An object with one optional property per column, typed as Kafka Connect's JSON Schema
    /// converter types them (ksqlDB's schemas come from it).
    /// A JSON Schema names no records, so `fullName` is not used.
    static func schemaText(for columns: [RowField], unwrapped: Bool, fullName: String? = nil) -> String {
        if unwrapped, columns.count == 1 { return optional(columns[0].type) }
        return objectText(columns)
    }

    private static func objectText(_ fields: [RowField]) -> String {
        let properties = fields.enumerated().map { index, field in
            "\(AvroSchema.jsonString(field.name)):{\"connect.index\":\(index),\"oneOf\":[{\"type\":\"null\"},\(typeText(field.type))]}"
        }
        return "{\"type\":\"object\",\"properties\":{\(properties.joined(separator: ","))}}"
    }

    private static func optional(_ type: SQLType) -> String { "{\"oneOf\":[{\"type\":\"null\"},\(typeText(type))]}" }

    private static func typeText(_ type: SQLType) -> String {
        switch type {
        case .boolean: return "{\"type\":\"boolean\"}"
        case .integer: return "{\"type\":\"integer\",\"connect.type\":\"int32\"}"
        case .bigint, .intervalDayTime, .intervalYearMonth: return "{\"type\":\"integer\",\"connect.type\":\"int64\"}"
        case .double: return "{\"type\":\"number\",\"connect.type\":\"float64\"}"
        case .decimal(let precision, let scale):
            return "{\"type\":\"number\",\"title\":\"org.apache.kafka.connect.data.Decimal\",\"connect.version\":1,"
                + "\"connect.parameters\":{\"scale\":\"\(scale)\",\"connect.decimal.precision\":\"\(precision)\"}}"
        case .varchar, .null: return "{\"type\":\"string\"}"
        case .timestamp: return "{\"type\":\"integer\",\"title\":\"org.apache.kafka.connect.data.Timestamp\",\"connect.type\":\"int64\"}"
        case .date: return "{\"type\":\"integer\",\"title\":\"org.apache.kafka.connect.data.Date\",\"connect.type\":\"int32\"}"
        case .array(let element): return "{\"type\":\"array\",\"items\":\(optional(element))}"
        case .map(_, let value): return "{\"type\":\"object\",\"additionalProperties\":\(optional(value))}"
        case .row(let fields): return objectText(fields)
        }
    }

    /// A JSON Schema names no records, so `fullName` is not looked at.
    static func columns(of registered: RegisteredSchema, named fullName: String?) throws(SQLError) -> [RowField] {
        guard let json = try? JSONSerialization.jsonObject(with: Data(registered.text.utf8)), let object = json as? [String: Any] else {
            throw SQLError(.invalidParameterValue, "schema \(registered.id) of the schema registry is not a JSON Schema object")
        }
        if let fields = rowFields(object) { return fields }
        return [RowField("ROWVAL", sqlType(object))]
    }

    private static func rowFields(_ object: [String: Any]) -> [RowField]? {
        guard let properties = object["properties"] as? [String: Any] else { return nil }
        let ordered = properties.sorted { index(of: $0.value) < index(of: $1.value) || (index(of: $0.value) == index(of: $1.value) && $0.key < $1.key) }
        return ordered.map { RowField($0.key, sqlType($0.value as? [String: Any] ?? [:])) }
    }

    private static func index(of property: Any) -> Int { (property as? [String: Any])?["connect.index"] as? Int ?? .max }

    private static func sqlType(_ schema: [String: Any]) -> SQLType {
        if let branches = (schema["oneOf"] ?? schema["anyOf"]) as? [[String: Any]] {
            let typed = branches.filter { $0["type"] as? String != "null" }
            return typed.count == 1 ? sqlType(typed[0]) : .varchar
        }
        switch schema["type"] as? String {
        case "boolean": return .boolean
        case "integer":
            switch schema["title"] as? String {
            case "org.apache.kafka.connect.data.Timestamp": return .timestamp3
            case "org.apache.kafka.connect.data.Date": return .date
            default: return schema["connect.type"] as? String == "int32" ? .integer : .bigint
            }
        case "number":
            if schema["title"] as? String == "org.apache.kafka.connect.data.Decimal", let parameters = schema["connect.parameters"] as? [String: Any] {
                let precision = Int(parameters["connect.decimal.precision"] as? String ?? "") ?? 18
                return .decimal(precision: min(precision, 18), scale: Int(parameters["scale"] as? String ?? "") ?? 0)
            }
            return .double
        case "array": return .array(sqlType(schema["items"] as? [String: Any] ?? [:]))
        case "object":
            if let fields = rowFields(schema) { return .row(fields) }
            return .map(key: .varchar, value: sqlType(schema["additionalProperties"] as? [String: Any] ?? [:]))
        default: return .varchar
        }
    }

    func decode(_ body: UnsafeBufferPointer<UInt8>, columns: [RowField], unwrapped: Bool) -> Result<[Value], RegistryDecodeError> {
        let text = String(decoding: body, as: UTF8.self)
        if unwrapped, let column = columns.first {
            guard let value = ValueJSON.parse(text, as: column.type) else {
                return .failure(RegistryDecodeError(reason: "JSON: not a \(column.type): \(text.prefix(80))"))
            }
            return .success([value])
        }
        // Properties go to columns by name, case-insensitively when no name matches exactly, as ksqlDB reads them.
        guard case .row(let values)? = ValueJSON.parse(text, as: .row(columns)) else {
            return .failure(RegistryDecodeError(reason: "JSON: not an object of the columns' types: \(text.prefix(80))"))
        }
        return .success(values)
    }

    func encode(_ values: [Value], columns: [RowField], unwrapped: Bool, into out: inout [UInt8]) throws(SQLError) {
        let text = unwrapped && columns.count == 1
            ? ValueJSON.text(values[0], type: columns[0].type)
            : ValueJSON.text(.row(values), type: .row(columns))
        out.append(contentsOf: text.utf8)
    }
}
