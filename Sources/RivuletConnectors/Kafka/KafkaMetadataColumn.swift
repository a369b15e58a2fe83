import RivuletCore
import RivuletPlanner

/// Columns of a Kafka source filled from the message rather than its value: Flink's metadata
/// columns (`ts TIMESTAMP(3) METADATA FROM 'timestamp'`, keys `topic`, `partition`, `offset`,
/// `timestamp`), or a column of a reserved name: `kafka_partition`, `kafka_offset`,
/// `kafka_timestamp` (the record timestamp, usable as event time), `kafka_key` and
/// `kafka_topic`, never looked up in the message value.
enum KafkaMetadataColumn: String, CaseIterable, Sendable {
    case partition = "kafka_partition"
    case offset = "kafka_offset"
    case timestamp = "kafka_timestamp"
    case key = "kafka_key"
    case topic = "kafka_topic"

    init?(columnName: String) {
        self.init(rawValue: columnName.lowercased())
    }

    /// Flink's metadata keys this source fills.
    static let metadataKeys = ["topic", "partition", "offset", "timestamp"]

    /// What fills column `index` of `relation`, if the message does rather than its value.
    static func of(_ index: Int, in relation: Relation) -> KafkaMetadataColumn? {
        if let key = relation.metadataKey(of: index) { return KafkaMetadataColumn(rawValue: "kafka_" + key) }
        return KafkaMetadataColumn(columnName: relation.schema[index].name)
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
