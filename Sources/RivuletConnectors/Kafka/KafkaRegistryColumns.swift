#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import RivuletCore

/// ksqlDB's schema inference: a stream or table over a topic in a registry format (`AVRO`,
/// `JSON_SR`) that declares no value columns takes them from the registry: the schema
/// `VALUE_SCHEMA_ID` names, else the latest of subject `<topic>-value`; `VALUE_SCHEMA_FULL_NAME`
/// picks a record inside it. Its key columns come the same way from `<topic>-key` when it
/// declares none: the fields of a record key, or one column `ROWKEY` for a primitive key.
public enum KafkaRegistryColumns {
    public struct Inferred: Sendable {
        public var keys: [RowField]
        public var values: [RowField]
    }

    /// Whether format `name` (ksqlDB's or Flink's spelling) keeps its schemas in a registry, so
    /// columns can be inferred from them.
    public static func infers(format name: String) -> Bool {
        KafkaFormat(name: name)?.registryCodec != nil
    }

    /// The columns to add to a declaration with WITH `options` (keys lower-cased) that declares
    /// `hasKeys` / `hasValues` columns already; nil when nothing is inferred.
    public static func infer(options: [String: String], hasKeys: Bool, hasValues: Bool, session: [String: String]) throws(SQLError) -> Inferred? {
        guard let topic = options["kafka_topic"], options["connector"] == nil else { return nil }
        let format = options["format"]
        let valueFormat = (options["value_format"] ?? format).flatMap { KafkaFormat(name: $0) }
        let keyFormat = (options["key_format"] ?? format).flatMap { KafkaFormat(name: $0) }
        let inferValues = !hasValues && valueFormat?.registryCodec != nil
        let inferKeys = !hasKeys && keyFormat?.registryCodec != nil
        guard inferValues || inferKeys else { return nil }
        guard let url = session[SchemaRegistrySetting.key] ?? getenv(KafkaOptions.schemaRegistryVariable).map({ String(cString: $0) }),
              !url.isEmpty
        else {
            throw SQLError(.invalidParameterValue, "columns are taken from the schema registry, and none is set",
                           hint: "SET '\(SchemaRegistrySetting.key)' = 'http://host:8081', or declare the columns")
        }
        let client = SchemaRegistryClient.shared(url: url)
        var inferred = Inferred(keys: [], values: [])
        if inferValues, let codec = valueFormat?.registryCodec {
            let schema: RegisteredSchema
            let id = options["value_schema_id"].flatMap { Int($0) }
            if let id {
                schema = try client.schema(id: id)
            } else if let latest = try client.latest(subject: "\(topic)-value") {
                schema = latest
            } else {
                throw SQLError(.invalidParameterValue, "the schema registry has no schema for subject '\(topic)-value'",
                               hint: "declare the columns, or register the topic's value schema")
            }
            inferred.values = try columns(of: schema, codec: codec, fullName: options["value_schema_full_name"], pinned: id != nil)
        }
        if inferKeys, let codec = keyFormat?.registryCodec {
            var schema: RegisteredSchema?
            let id = options["key_schema_id"].flatMap { Int($0) }
            if let id {
                schema = try client.schema(id: id)
            } else {
                schema = try client.latest(subject: "\(topic)-key")
            }
            if let schema {
                let columns = try columns(of: schema, codec: codec, fullName: options["key_schema_full_name"], pinned: id != nil)
                // A primitive key is ksqlDB's ROWKEY.
                inferred.keys = columns.count == 1 && columns[0].name == "ROWVAL" ? [RowField("ROWKEY", columns[0].type)] : columns
            }
        }
        return inferred
    }

    /// `pinned`: the schema was given by id, so its names are kept as they are.
    private static func columns(
        of schema: RegisteredSchema, codec: any RegistryRecordCodec.Type, fullName: String?, pinned: Bool
    ) throws(SQLError) -> [RowField] {
        guard schema.type == codec.schemaType else {
            throw SQLError(.invalidParameterValue, "schema \(schema.id) is \(schema.type), not \(codec.schemaType)")
        }
        let columns = try codec.columns(of: schema, named: fullName)
        guard codec.upperCasesInferredNames, !pinned else { return columns }
        return columns.map { RowField($0.name.uppercased(), $0.type) }
    }
}
