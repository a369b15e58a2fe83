/// How a Kafka message value (or key) is encoded.
enum KafkaFormat: String, Sendable {
    /// One flat JSON object per message.
    case json
    /// One CSV record per message.
    case csv
    /// The bytes as they are, into (or from) one VARCHAR column.
    case raw

    /// Flink names (`json`, `csv`, `raw`) and ksqlDB names (`JSON`, `DELIMITED`, `KAFKA`).
    init?(name: String) {
        switch name.lowercased() {
        case "json": self = .json
        case "csv", "delimited": self = .csv
        case "raw", "kafka": self = .raw
        default: return nil
        }
    }

    static let names = ["json", "csv", "raw", "delimited", "kafka"]
}
