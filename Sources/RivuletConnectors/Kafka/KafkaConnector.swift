public import RivuletCore
public import RivuletPlanner
public import RivuletRuntime

/// `connector = 'kafka'` (also ksqlDB's `KAFKA_TOPIC = ...`) and `'upsert-kafka'`: topics read
/// through a librdkafka consumer, rows produced to a topic. See `KafkaOptions` for the options,
/// `KafkaSourceReader`, `KafkaSinkWriter` and `KafkaMetadataColumn` for the behaviour.
public struct KafkaConnector: ConnectorFactory {
    public init() {}

    public var names: [String] { ["kafka", "upsert-kafka"] }

    public func validate(_ relation: Relation, asSink: Bool) throws(SQLError) {
        let options = try KafkaOptions(relation.connector)
        try KafkaClient.check(options.properties)
        if asSink { return }
        for field in relation.schema.fields {
            if let metadata = KafkaMetadataColumn(columnName: field.name), !metadata.accepts(field.type) {
                throw SQLError(.datatypeMismatch, "column '\(field.name)' holds the Kafka \(metadata.rawValue.dropFirst(6)) and must be \(metadata.expectedTypes), not \(field.type)")
            }
        }
        if options.valueFormat == .raw {
            let valueColumns = KafkaRecordDecoder.valueColumns(of: relation)
            guard valueColumns.count == 1, relation.schema[valueColumns[0]].type == .varchar else {
                throw SQLError(.invalidParameterValue, "format 'raw' reads the message value into exactly one VARCHAR column (besides kafka_* columns)")
            }
        }
    }

    public func makeSource(_ relation: Relation, columns: [Int], context: ConnectorContext) throws -> any SourceReader {
        try validate(relation, asSink: false)
        if relation.connector.connector.lowercased() == "upsert-kafka" {
            throw SQLError(.featureNotSupported, "reading an 'upsert-kafka' table as a changelog is not supported yet",
                           hint: "read the topic with 'connector' = 'kafka'")
        }
        return try KafkaSourceReader(relation: relation, columns: columns, options: try KafkaOptions(relation.connector), context: context)
    }

    public func makeSink(_ relation: Relation, context: ConnectorContext) throws -> any SinkWriter {
        let options = try KafkaOptions(relation.connector)
        try KafkaClient.check(options.properties)
        let upsert = relation.connector.connector.lowercased() == "upsert-kafka"
        if options.exactlyOnce { return KafkaTransactionalSink(relation: relation, options: options, upsert: upsert) }
        return try KafkaSinkWriter(relation: relation, options: options, upsert: upsert)
    }
}
