public import RivuletCore
public import RivuletPlanner
public import RivuletRuntime

/// `connector = 'kafka'` (also ksqlDB's `KAFKA_TOPIC = ...`) and `'upsert-kafka'`: topics read
/// through a librdkafka consumer, rows produced to a topic. See `KafkaOptions` for the options,
/// `KafkaSourceReader`, `KafkaSinkWriter` and `KafkaMetadataColumn` for the behaviour.
public struct KafkaConnector: ConnectorFactory {
    /// A topic is read for ever unless `scan.bounded.mode` bounds it (or it is a ksqlDB topic,
    /// read to its end outside a server).
    public func isUnbounded(_ relation: Relation) -> Bool {
        guard let options = try? KafkaOptions(relation.connector) else { return false }
        return !options.bounded && !relation.isKsqlKafka
    }

    public init() {}

    public var names: [String] { ["kafka", "upsert-kafka"] }
    public var metadataKeys: [String] { KafkaMetadataColumn.metadataKeys }

    public func validate(_ relation: Relation, asSink: Bool) throws(SQLError) {
        let options = try KafkaOptions(relation.connector)
        try KafkaClient.check(options.properties)
        if !options.valueFormat.holdsNestedValues {
            try NestedColumns.refuse(relation.schema.fields, format: "\(options.valueFormat)")
        }
        if options.valueFormat == .debeziumJSON { try Self.checkDebezium(relation, asSink: asSink) }
        try Self.checkProtobuf(relation, options)
        if asSink { return }
        for (index, field) in relation.schema.fields.enumerated() {
            if let metadata = KafkaMetadataColumn.of(index, in: relation), !metadata.accepts(field.type) {
                throw SQLError(.datatypeMismatch, "column '\(field.name)' holds the Kafka \(metadata.rawValue.dropFirst(6)) and must be \(metadata.expectedTypes), not \(field.type)")
            }
        }
        if options.valueFormat == .raw {
            let valueColumns = KafkaRecordDecoder.valueColumns(of: relation)
            guard valueColumns.count == 1, relation.schema[valueColumns[0]].type == .varchar else {
                throw SQLError(.invalidParameterValue, "format 'raw' reads the message value into exactly one VARCHAR column (besides kafka_* columns)")
            }
        }
        try Self.checkKsqlFormats(relation, options)
    }

    /// A `debezium-json` topic is read as the changelog of a keyed table, whose updates and
    /// deletes replace rows by primary key; it is not written.
    static func checkDebezium(_ relation: Relation, asSink: Bool) throws(SQLError) {
        if asSink {
            throw SQLError(.featureNotSupported, "format 'debezium-json' is read-only: '\(relation.name)' cannot be written",
                           hint: "write the rows with 'connector' = 'upsert-kafka' and 'format' = 'json'")
        }
        if relation.connector.connector.lowercased() == "upsert-kafka" {
            throw SQLError(.invalidParameterValue, "format 'debezium-json' carries its own changes; read it with 'connector' = 'kafka'")
        }
        guard relation.kind == .table, !relation.primaryKey.isEmpty else {
            throw SQLError(.invalidParameterValue, "format 'debezium-json' gives a changelog; declare '\(relation.name)' as a TABLE with a PRIMARY KEY",
                           hint: "add PRIMARY KEY (id) NOT ENFORCED with the source table's key columns")
        }
    }

    /// A `PROTOBUF_NOSR` or `PROTOBUF` key or value is refused when declared if protobuf cannot hold its columns.
    static func checkProtobuf(_ relation: Relation, _ options: KafkaOptions) throws(SQLError) {
        let keys = relation.isKsqlKafka ? relation.primaryKey : []
        for (format, columns) in [(options.valueFormat, KafkaRecordDecoder.valueColumns(of: relation)), (options.keyFormat, keys)]
        where format == .protobufNoSR || format == .protobuf {
            _ = try ProtobufSchemaText.generate(for: columns.map { RowField(relation.schema[$0].name, relation.schema[$0].type) })
        }
    }

    /// ksqlDB's own checks of `KEY_FORMAT` and `VALUE_FORMAT` against the declared columns.
    static func checkKsqlFormats(_ relation: Relation, _ options: KafkaOptions) throws(SQLError) {
        guard relation.isKsqlKafka else { return }
        let keys = relation.primaryKey
        switch options.keyFormat {
        case .none where !keys.isEmpty:
            throw SQLError(.invalidParameterValue, "KEY_FORMAT 'NONE' cannot hold key columns; '\(relation.name)' declares \(keys.count)")
        case .kafka, .raw:
            if keys.count > 1 {
                throw SQLError(.invalidParameterValue, "the 'KAFKA' format only supports a single field; '\(relation.name)' has \(keys.count) key columns",
                               hint: "use KEY_FORMAT = 'JSON' or 'DELIMITED' for several key columns")
            }
            if let key = keys.first, !KafkaPrimitive.holds(relation.schema[key].type) {
                throw SQLError(.invalidParameterValue, "the 'KAFKA' format does not support type \(relation.schema[key].type)")
            }
        default:
            break
        }
        if options.valueFormat == .kafka {
            let values = KafkaRecordDecoder.valueColumns(of: relation)
            if values.count != 1 {
                throw SQLError(.invalidParameterValue, "the 'KAFKA' format only supports a single field; '\(relation.name)' has \(values.count) value columns")
            }
            if !KafkaPrimitive.holds(relation.schema[values[0]].type) {
                throw SQLError(.invalidParameterValue, "the 'KAFKA' format does not support type \(relation.schema[values[0]].type)")
            }
        }
    }

    /// A ksqlDB-style sink's topic, and a declared stream's with `PARTITIONS`, are created when missing.
    public func create(_ relation: Relation, asSink: Bool) throws(SQLError) {
        guard relation.isKsqlKafka else { return }
        let options = try KafkaOptions(relation.connector)
        guard asSink || options.partitions != nil else { return }
        let client = try KafkaClient(.producer, properties: [("log_level", "2")] + options.properties)
        for topic in options.topics {
            _ = try client.ensureTopic(topic, partitions: options.partitions ?? 1, timeoutMillis: options.timeoutMillis)
        }
    }

    public func makeSource(_ relation: Relation, columns: [Int], context: ConnectorContext) throws -> any SourceReader {
        try validate(relation, asSink: false)
        if relation.connector.connector.lowercased() == "upsert-kafka" {
            throw SQLError(.featureNotSupported, "reading an 'upsert-kafka' table as a changelog is not supported yet",
                           hint: "read the topic with 'connector' = 'kafka'")
        }
        var options = try KafkaOptions(relation.connector)
        options.applySession(context.sessionOptions)
        return try KafkaSourceReader(relation: relation, columns: columns, options: options, context: context)
    }

    public func makeSink(_ relation: Relation, context: ConnectorContext) throws -> any SinkWriter {
        var options = try KafkaOptions(relation.connector)
        options.applySession(context.sessionOptions)
        try KafkaClient.check(options.properties)
        if options.valueFormat == .debeziumJSON { try Self.checkDebezium(relation, asSink: true) }
        let upsert = relation.connector.connector.lowercased() == "upsert-kafka"
        if options.exactlyOnce { return KafkaTransactionalSink(relation: relation, options: options, upsert: upsert) }
        return try KafkaSinkWriter(relation: relation, options: options, upsert: upsert)
    }
}
