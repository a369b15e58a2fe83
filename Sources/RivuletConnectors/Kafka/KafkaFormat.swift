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

    /// Flink names (`json`, `csv`, `raw`) and ksqlDB names (`JSON`, `DELIMITED`, `KAFKA`, `NONE`, `PROTOBUF_NOSR`).
    init?(name: String) {
        switch name.lowercased() {
        case "json": self = .json
        case "csv", "delimited": self = .csv
        case "raw": self = .raw
        case "kafka": self = .kafka
        case "none": self = .none
        case "debezium-json": self = .debeziumJSON
        case "protobuf_nosr": self = .protobufNoSR
        default: return nil
        }
    }

    static let names = ["json", "csv", "raw", "delimited", "kafka", "none", "debezium-json", "protobuf_nosr"]
}
