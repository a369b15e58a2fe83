import RivuletCore

/// ksqlDB's `PROTOBUF` format: protobuf messages under a registered `.proto` schema. After the
/// registry framing comes the path of message indexes naming the message within the schema
/// (`ConfluentProtobufFrame`), then the message, read and written by `ProtobufCodec`.
///
/// A protobuf record is always a message, so a single key column (`unwrapped`) is a message of
/// one field too, as ksqlDB writes it.
struct ProtobufRecordCodec: RegistryRecordCodec {
    static let schemaType = "PROTOBUF"
    static let upperCasesInferredNames = false

    /// The message records are written as, and its index path.
    private let writer: ProtobufCodec
    private let writerIndexes: [Int]
    /// A reader for each message of the schema that holds the columns, by index path: a record
    /// may be any message its framing names.
    private let readers: [[Int]: ProtobufCodec]

    init(schema registered: RegisteredSchema, columns: [RowField], fullName: String?) throws(SQLError) {
        let schema = try Self.parse(registered)
        let message = try Self.message(of: schema, registered: registered, named: fullName)
        writer = try ProtobufCodec(schema: schema, messageName: message.fullName, columns: columns)
        writerIndexes = schema.indexes(ofMessage: message.fullName) ?? [0]
        var readers: [[Int]: ProtobufCodec] = [:]
        for name in schema.messages.keys {
            guard let indexes = schema.indexes(ofMessage: name),
                  let reader = try? ProtobufCodec(schema: schema, messageName: name, columns: columns) else { continue }
            readers[indexes] = reader
        }
        readers[writerIndexes] = writer
        self.readers = readers
    }

    static func schemaText(for columns: [RowField], unwrapped: Bool, fullName: String?) throws(SQLError) -> String {
        try ProtobufSchemaText.generate(for: columns, messageName: fullName ?? ProtobufSchemaText.rootMessageName)
    }

    static func columns(of registered: RegisteredSchema, named fullName: String?) throws(SQLError) -> [RowField] {
        let schema = try parse(registered)
        let message = try message(of: schema, registered: registered, named: fullName)
        return try message.fields.map { field throws(SQLError) in RowField(field.name, try sqlType(of: field, in: schema)) }
    }

    func decode(_ body: UnsafeBufferPointer<UInt8>, columns: [RowField], unwrapped: Bool) -> Result<[Value], RegistryDecodeError> {
        do {
            let (indexes, start) = try ConfluentProtobufFrame.messageIndexes(body)
            guard let reader = readers[indexes] else {
                return .failure(RegistryDecodeError(reason: "protobuf: the schema has no message at indexes \(indexes) holding the columns"))
            }
            return .success(try reader.decode(UnsafeBufferPointer(rebasing: body[start...])))
        } catch {
            return .failure(RegistryDecodeError(reason: "protobuf: \(error.reason)"))
        }
    }

    func encode(_ values: [Value], columns: [RowField], unwrapped: Bool, into out: inout [UInt8]) throws(SQLError) {
        ConfluentProtobufFrame.appendMessageIndexes(writerIndexes, to: &out)
        writer.encode(values, into: &out)
    }

    private static func parse(_ registered: RegisteredSchema) throws(SQLError) -> ProtoSchema {
        do {
            return try ProtoSchema.parse(registered.text)
        } catch {
            throw SQLError(.invalidParameterValue, "schema \(registered.id) of the schema registry: \(error.description)")
        }
    }

    /// The message `fullName` names, else the schema's first (message indexes `[0]`).
    private static func message(of schema: ProtoSchema, registered: RegisteredSchema, named fullName: String?) throws(SQLError) -> ProtoMessage {
        if let fullName {
            guard let message = schema.message(named: fullName) else {
                throw SQLError(.invalidParameterValue, "schema \(registered.id) has no message named '\(fullName)'")
            }
            return message
        }
        guard let message = schema.message(atIndexes: [0]) else {
            throw SQLError(.invalidParameterValue, "schema \(registered.id) of the schema registry declares no message")
        }
        return message
    }

    /// The SQL type ksqlDB reads a field as (through Kafka Connect's protobuf converter:
    /// unsigned 32-bit numbers widen to BIGINT, floats to DOUBLE, enums are their names).
    private static func sqlType(of field: ProtoField, in schema: ProtoSchema) throws(SQLError) -> SQLType {
        let single = try sqlType(of: field.type, field: field, in: schema)
        if field.label == .repeated, case .map = field.type {
            return single
        }
        return field.label == .repeated ? .array(single) : single
    }

    private static func sqlType(of type: ProtoType, field: ProtoField, in schema: ProtoSchema) throws(SQLError) -> SQLType {
        switch type {
        case .scalar(let scalar): return try sqlType(of: scalar, field: field)
        case .enumeration: return .varchar
        case .map(let key, let value): return .map(key: try sqlType(of: key, field: field), value: try sqlType(of: value, field: field, in: schema))
        case .message(let name):
            switch ProtoWellKnown(fullName: name) {
            case .timestamp: return .timestamp(precision: 3)
            case .date: return .date
            case .wrapper(let scalar): return try sqlType(of: scalar, field: field)
            case .decimal:
                throw SQLError(.featureNotSupported, "field '\(field.name)' is a confluent.type.Decimal, whose precision the schema does not give here",
                               hint: "declare the columns")
            case nil:
                guard let message = schema.messages[name] else {
                    throw SQLError(.invalidParameterValue, "field '\(field.name)' is of message '\(name)', which the schema does not declare")
                }
                return .row(try message.fields.map { inner throws(SQLError) in RowField(inner.name, try sqlType(of: inner, in: schema)) })
            }
        }
    }

    private static func sqlType(of scalar: ProtoScalar, field: ProtoField) throws(SQLError) -> SQLType {
        switch scalar {
        case .double, .float: return .double
        case .int32, .sint32, .sfixed32: return .integer
        case .uint32, .fixed32, .int64, .uint64, .sint64, .fixed64, .sfixed64: return .bigint
        case .bool: return .boolean
        case .string: return .varchar
        case .bytes:
            throw SQLError(.featureNotSupported, "field '\(field.name)' is protobuf bytes, and the BYTES type is not supported",
                           hint: "declare the columns without it")
        }
    }
}
