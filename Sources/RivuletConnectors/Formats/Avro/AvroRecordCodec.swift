import RivuletCore

/// ksqlDB's `AVRO` format: Avro binary records under a registered Avro schema.
struct AvroRecordCodec: RegistryRecordCodec {
    static let schemaType = "AVRO"
    static let upperCasesInferredNames = true

    private let schema: AvroSchema

    init(schema registered: RegisteredSchema, columns: [RowField], fullName: String?) throws(SQLError) {
        schema = try Self.parse(registered)
    }

    private static func parse(_ registered: RegisteredSchema) throws(SQLError) -> AvroSchema {
        do {
            return try AvroSchema(parsing: registered.text)
        } catch {
            throw SQLError(.invalidParameterValue, "schema \(registered.id) of the schema registry: \(error.description)")
        }
    }

    static func schemaText(for columns: [RowField], unwrapped: Bool, fullName: String? = nil) -> String {
        AvroSchema.ksqlSchemaText(for: columns, unwrapped: unwrapped, recordName: fullName ?? AvroSchema.ksqlRecordName)
    }

    static func columns(of registered: RegisteredSchema, named fullName: String?) throws(SQLError) -> [RowField] {
        let schema = try parse(registered)
        guard let fullName else { return schema.columns }
        guard let record = Self.record(named: fullName, in: schema) else {
            throw SQLError(.invalidParameterValue, "schema \(registered.id) has no record named '\(fullName)'")
        }
        return record.columns
    }

    private static func record(named fullName: String, in schema: AvroSchema) -> AvroSchema? {
        func find(_ schema: AvroSchema) -> AvroSchema? {
            switch schema {
            case .record(let record):
                if record.name == fullName { return schema }
                for field in record.fields { if let found = find(field.schema) { return found } }
                return nil
            case .union(let branches): return branches.lazy.compactMap(find).first
            case .array(let items), .map(let items): return find(items)
            default: return nil
            }
        }
        return find(schema)
    }

    func decode(_ body: UnsafeBufferPointer<UInt8>, columns: [RowField], unwrapped: Bool) -> Result<[Value], RegistryDecodeError> {
        var reader = AvroBinaryReader(body)
        do {
            let values: [Value]
            if unwrapped || schema.recordSchema == nil {
                values = [try reader.read(schema, as: columns.first?.type ?? schema.sqlType)]
            } else {
                guard case .row(let fields) = try reader.read(schema, as: .row(columns)) else { return .success(columns.map { _ in .null }) }
                values = fields
            }
            guard reader.atEnd else { return .failure(RegistryDecodeError(reason: "the Avro record has bytes after its end")) }
            return .success(values.count == columns.count ? values : Array(values.prefix(columns.count)))
        } catch {
            return .failure(RegistryDecodeError(reason: "Avro: \(error.reason)"))
        }
    }

    func encode(_ values: [Value], columns: [RowField], unwrapped: Bool, into out: inout [UInt8]) throws(SQLError) {
        do {
            if unwrapped || schema.recordSchema == nil {
                try AvroBinaryWriter.write(values.first ?? .null, type: columns.first?.type ?? .null, as: schema, into: &out)
            } else {
                try AvroBinaryWriter.write(.row(values), type: .row(columns), as: schema, into: &out)
            }
        } catch {
            throw SQLError(.invalidParameterValue, "a row does not fit its Avro schema: \(error.reason)")
        }
    }
}

extension AvroSchema {
    /// The record this schema is, or holds as `["null", record]`.
    var recordSchema: Record? {
        if case .record(let record) = nonNullBranch ?? self { return record }
        return nil
    }
}
