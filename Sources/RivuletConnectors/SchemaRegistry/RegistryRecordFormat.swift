import RivuletCore

/// The keys or the values of one Kafka relation in a registry format: reads records framed
/// with any schema id (a codec per id, made when the id is first met), and writes records with
/// one schema, registered under the topic's subject (`<topic>-value`, `<topic>-key`) as ksqlDB
/// does, or chosen by id (`VALUE_SCHEMA_ID`).
final class RegistryRecordFormat {
    let codecType: any RegistryRecordCodec.Type
    private let client: SchemaRegistryClient
    private let columns: [RowField]
    private let unwrapped: Bool
    private let fullName: String?
    private var readers: [Int: any RegistryRecordCodec] = [:]
    private var writer: (id: Int, codec: any RegistryRecordCodec)?

    /// `fullName` is ksqlDB's `KEY_SCHEMA_FULL_NAME` or `VALUE_SCHEMA_FULL_NAME`.
    init(_ codecType: any RegistryRecordCodec.Type, client: SchemaRegistryClient, columns: [RowField], unwrapped: Bool, fullName: String? = nil) {
        self.codecType = codecType
        self.client = client
        self.columns = columns
        self.unwrapped = unwrapped && columns.count == 1
        self.fullName = fullName
    }

    /// The values of one framed record, or why it has none.
    func decode(_ message: UnsafeBufferPointer<UInt8>) -> Result<[Value], RegistryDecodeError> {
        switch ConfluentFraming.split(message) {
        case .failure(let error): return .failure(RegistryDecodeError(reason: error.reason))
        case .success(let (id, body)):
            let codec: any RegistryRecordCodec
            if let known = readers[id] {
                codec = known
            } else {
                do {
                    let schema = try client.schema(id: id)
                    guard schema.type == codecType.schemaType else {
                        return .failure(RegistryDecodeError(reason: "schema \(id) is \(schema.type), not \(codecType.schemaType)"))
                    }
                    codec = try codecType.init(schema: schema, columns: columns, fullName: fullName)
                } catch {
                    return .failure(RegistryDecodeError(reason: error.message))
                }
                readers[id] = codec
            }
            return codec.decode(body, columns: columns, unwrapped: unwrapped)
        }
    }

    /// Chooses the schema records are written with: schema `id`, or the one ksqlDB makes for the
    /// columns, registered under `subject`.
    func prepareWriting(subject: String, id: Int?) throws(SQLError) {
        let schema: RegisteredSchema
        if let id {
            schema = try client.schema(id: id)
        } else {
            let text = try codecType.schemaText(for: columns, unwrapped: unwrapped, fullName: fullName)
            schema = RegisteredSchema(id: try client.register(subject: subject, text: text, type: codecType.schemaType), text: text,
                                      type: codecType.schemaType)
        }
        writer = (schema.id, try codecType.init(schema: schema, columns: columns, fullName: fullName))
    }

    /// Appends one framed record of `values`.
    func encode(_ values: [Value], into out: inout [UInt8]) throws(SQLError) {
        guard let writer else { preconditionFailure("prepareWriting(subject:id:) comes before encode") }
        ConfluentFraming.appendHeader(id: writer.id, to: &out)
        try writer.codec.encode(values, columns: columns, unwrapped: unwrapped, into: &out)
    }
}
