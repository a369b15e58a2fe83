public import RivuletCore

/// The `.proto` schema ksqlDB derives from a relation's columns, to write `PROTOBUF_NOSR` (and
/// to register for `PROTOBUF`): proto3, a top-level message `ConnectDefault1` with one field
/// per column numbered from 1 in column order, each STRUCT a message `ConnectDefault2`, ...
/// (numbered depth-first as they appear) declared inside its parent.
public enum ProtobufSchemaText {
    public static let rootMessageName = "ConnectDefault1"

    /// The schema text for `columns`; refuses types protobuf cannot hold (an ARRAY of ARRAYs,
    /// a MAP of ARRAYs, a MAP key that is not text, a number or a boolean). `messageName`
    /// (ksqlDB's `*_SCHEMA_FULL_NAME`) names the top-level message, a dotted one in its package.
    public static func generate(for columns: [RowField], messageName: String = rootMessageName) throws(SQLError) -> String {
        var generator = Generator()
        let parts = messageName.split(separator: ".")
        let package = parts.count > 1 ? "package \(parts.dropLast().joined(separator: "."));\n\n" : ""
        let body = try generator.message(parts.last.map(String.init) ?? messageName, columns, indent: "")
        let imports = generator.imports.sorted().map { "import \"\($0)\";\n" }.joined()
        return "syntax = \"proto3\";\n\n" + package + (imports.isEmpty ? "" : imports + "\n") + body
    }

    /// A codec for `columns` over the schema `generate(for:)` gives them.
    public static func codec(for columns: [RowField]) throws(SQLError) -> ProtobufCodec {
        let text = try generate(for: columns)
        let schema: ProtoSchema
        do {
            schema = try ProtoSchema.parse(text)
        } catch {
            throw SQLError(.internalError, "the protobuf schema generated for the columns does not parse: \(error)")
        }
        return try ProtobufCodec(schema: schema, messageName: rootMessageName, columns: columns)
    }

    private struct Generator {
        var imports: Set<String> = []
        var nextMessage = 2

        mutating func message(_ name: String, _ fields: [RowField], indent: String) throws(SQLError) -> String {
            var lines: [String] = []
            var nested: [String] = []
            for (index, field) in fields.enumerated() {
                let declaration = try fieldType(field, nested: &nested, indent: indent + "  ")
                lines.append("\(indent)  \(declaration) \(field.name) = \(index + 1);")
            }
            var text = "\(indent)message \(name) {\n" + lines.map { $0 + "\n" }.joined()
            for message in nested { text += "\n" + message }
            return text + "\(indent)}\n"
        }

        /// The field's type as declared (`repeated int32`, `map<string, int64>`, `ConnectDefault2`).
        private mutating func fieldType(_ field: RowField, nested: inout [String], indent: String) throws(SQLError) -> String {
            switch field.type {
            case .array(let element):
                if element.isArray || { if case .map = element { true } else { false } }() {
                    throw refusal(field, "an ARRAY of ARRAYs or MAPs")
                }
                return "repeated " + (try singleType(field, element, nested: &nested, indent: indent))
            case .map(let key, let value):
                let keyType: String = switch key {
                case .varchar: "string"
                case .integer: "int32"
                case .bigint: "int64"
                case .boolean: "bool"
                default: throw refusal(field, "a MAP whose keys are \(key)")
                }
                if value.isArray || { if case .map = value { true } else { false } }() {
                    throw refusal(field, "a MAP of ARRAYs or MAPs")
                }
                return "map<\(keyType), \(try singleType(field, value, nested: &nested, indent: indent))>"
            default:
                return try singleType(field, field.type, nested: &nested, indent: indent)
            }
        }

        private mutating func singleType(_ field: RowField, _ type: SQLType, nested: inout [String], indent: String) throws(SQLError) -> String {
            switch type {
            case .boolean: return "bool"
            case .integer: return "int32"
            case .bigint, .intervalDayTime, .intervalYearMonth: return "int64"
            case .double: return "double"
            case .varchar: return "string"
            case .decimal: return wellKnown(.decimal, "confluent.type.Decimal")
            case .timestamp: return wellKnown(.timestamp, "google.protobuf.Timestamp")
            case .date: return wellKnown(.date, "google.type.Date")
            case .row(let fields):
                let name = "ConnectDefault\(nextMessage)"
                nextMessage += 1
                nested.append(try message(name, fields, indent: indent))
                return name
            case .null, .array, .map:
                throw refusal(field, "\(type)")
            }
        }

        private mutating func wellKnown(_ known: ProtoWellKnown, _ name: String) -> String {
            imports.insert(known.importPath)
            return name
        }

        private func refusal(_ field: RowField, _ what: String) -> SQLError {
            SQLError(.featureNotSupported, "column '\(field.name)' is \(field.type): protobuf cannot hold \(what)")
        }
    }
}
