import RivuletCore

/// Columns of a Kafka source filled from the message rather than its value, chosen by reserved
/// name: `kafka_partition`, `kafka_offset`, `kafka_timestamp` (the record timestamp, usable as
/// event time), `kafka_key` and `kafka_topic`.
///
/// The SQL dialect has no `METADATA FROM` columns, so the names are reserved instead: a source
/// column with one of these names is never looked up in the message value.
enum KafkaMetadataColumn: String, CaseIterable, Sendable {
    case partition = "kafka_partition"
    case offset = "kafka_offset"
    case timestamp = "kafka_timestamp"
    case key = "kafka_key"
    case topic = "kafka_topic"

    init?(columnName: String) {
        self.init(rawValue: columnName.lowercased())
    }

    func accepts(_ type: SQLType) -> Bool {
        switch self {
        case .partition, .offset: return type == .integer || type == .bigint
        case .timestamp: return type.isTimestamp || type == .bigint
        case .key, .topic: return type == .varchar
        }
    }

    var expectedTypes: String {
        switch self {
        case .partition, .offset: return "INT or BIGINT"
        case .timestamp: return "TIMESTAMP(3) or BIGINT"
        case .key, .topic: return "VARCHAR"
        }
    }
}
