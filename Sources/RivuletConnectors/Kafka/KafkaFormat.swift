/// How a Kafka message value (or key) is encoded.
enum KafkaFormat: String, Sendable {
    /// One flat JSON object per message (one key column: the bare JSON value).
    case json
    /// One CSV record per message.
    case csv
    /// The bytes as they are, into (or from) one VARCHAR column.
    case raw
    /// ksqlDB's `KAFKA`: one column in Kafka's own serialization (`KafkaPrimitive`).
    case kafka
    /// ksqlDB's `NONE`: no key at all.
    case none
    /// Flink's `debezium-json`: each value a Debezium change event (`DebeziumEnvelope`), read
    /// as a changelog of the table's rows.
    case debeziumJSON
    /// ksqlDB's `PROTOBUF_NOSR`: plain protobuf binary of the schema the columns give
    /// (`ProtobufSchemaText`), no schema registry.
    case protobufNoSR
    /// ksqlDB's `AVRO`: Avro binary under a schema in a Schema Registry (`AvroRecordCodec`).
    case avro
    /// ksqlDB's `JSON_SR`: JSON under a JSON Schema in a Schema Registry (`JSONSchemaRecordCodec`).
    case jsonSchema
    /// ksqlDB's `PROTOBUF`: protobuf binary under a `.proto` schema in a Schema Registry (`ProtobufRecordCodec`).
    case protobuf

    /// Flink names (`json`, `csv`, `raw`) and ksqlDB names (`JSON`, `DELIMITED`, `KAFKA`, `NONE`,
    /// `PROTOBUF_NOSR`, `AVRO`, `JSON_SR`, `PROTOBUF`).
    init?(name: String) {
        switch name.lowercased() {
        case "json": self = .json
        case "csv", "delimited": self = .csv
        case "raw": self = .raw
        case "kafka": self = .kafka
        case "none": self = .none
        case "debezium-json": self = .debeziumJSON
        case "protobuf_nosr": self = .protobufNoSR
        case "avro": self = .avro
        case "json_sr": self = .jsonSchema
        case "protobuf": self = .protobuf
        default: return nil
        }
    }

    static let names = ["json", "csv", "raw", "delimited", "kafka", "none", "debezium-json", "protobuf_nosr", "avro", "json_sr", "protobuf"]

    /// The codec of a format whose schemas live in a Schema Registry; nil for the others.
    var registryCodec: (any RegistryRecordCodec.Type)? {
        switch self {
        case .avro: return AvroRecordCodec.self
        case .jsonSchema: return JSONSchemaRecordCodec.self
        case .protobuf: return ProtobufRecordCodec.self
        case .json, .csv, .raw, .kafka, .none, .debeziumJSON, .protobufNoSR: return nil
        }
    }

    /// Whether values of this format may be ARRAY, MAP or ROW.
    var holdsNestedValues: Bool { self == .json || self == .debeziumJSON || self == .protobufNoSR || registryCodec != nil }
}
