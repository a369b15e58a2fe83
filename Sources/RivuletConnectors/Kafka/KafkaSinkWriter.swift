import CRdKafka
public import RivuletCore
import RivuletPlanner
public import RivuletRuntime

/// Produces a query's rows to a Kafka topic through librdkafka.
///
/// `kafka` appends every row as a message (value in `format`, key from `key.fields` when set,
/// partition chosen from the key); a changelog row is an error. `upsert-kafka` keys each message
/// by the primary key: `+I`/`+U` write the row, `-D` writes a tombstone (no value), and `-U` is
/// skipped because the `+U` that follows replaces the value (a tombstone in between would show
/// readers a delete that never happened). `flush` waits for every delivery report and throws
/// if any message failed or is still undelivered after the timeout — nothing is dropped silently.
///
/// A ksqlDB-style relation writes as ksqlDB does: its key columns are the message key (in
/// `KEY_FORMAT`, with the window appended for a windowed table), the other columns the value,
/// `ROWTIME` the record timestamp, a table as upserts and tombstones; its topic is created when
/// missing. Keys are partitioned with murmur2, as Kafka's Java clients do.
public final class KafkaSinkWriter: SinkWriter {
    private let relationName: String
    private let topicName: String
    private let upsert: Bool
    private let options: KafkaOptions
    let client: KafkaClient
    private let topic: OpaquePointer
    private let reports = KafkaDeliveryReports()
    private var values: KafkaRecordEncoder
    private var keys: KafkaRecordEncoder?
    private let keyColumns: [Int]
    private let valueColumns: [Int]
    /// The record timestamp's column (`ROWTIME`), if the rows carry one.
    private let timestampColumn: Int?
    /// `WINDOWSTART` and `WINDOWEND`, appended to the key of a windowed table.
    private let windowColumns: (start: Int, end: Int, session: Bool)?
    /// Marks the rows of records without a value, written again without one.
    private let valueIsNullColumn: Int?
    private var keyBuffer: [UInt8] = []
    private var produced = 0

    /// - Parameter producerProperties: librdkafka properties set after the user's (`transactional.id`).
    init(relation: Relation, options: KafkaOptions, upsert: Bool, producerProperties: [(key: String, value: String)] = []) throws {
        relationName = relation.name
        self.options = options
        let ksql = relation.isKsqlKafka
        self.upsert = upsert || (ksql && relation.kind == .table)
        guard options.topics.count == 1 else {
            throw SQLError(.invalidParameterValue, "a Kafka sink writes to one topic, not \(options.topics.joined(separator: ";"))")
        }
        topicName = options.topics[0]
        let schema = relation.schema
        if ksql {
            keyColumns = relation.primaryKey
        } else if upsert {
            guard !relation.primaryKey.isEmpty else {
                throw SQLError(.invalidParameterValue, "connector 'upsert-kafka' needs a PRIMARY KEY: it is the message key",
                               hint: "declare PRIMARY KEY (...) NOT ENFORCED")
            }
            keyColumns = relation.primaryKey
        } else {
            keyColumns = try options.keyFields.map { (name: String) throws(SQLError) -> Int in
                guard let index = schema.firstIndex(of: name) else {
                    throw SQLError(.undefinedColumn, "'key.fields' names column '\(name)', which '\(relation.name)' does not declare")
                }
                return index
            }
        }
        if ksql {
            valueColumns = KafkaRecordDecoder.valueColumns(of: relation)
            timestampColumn = relation.systemColumn(.rowtime)
            valueIsNullColumn = relation.kind == .stream ? relation.systemColumn(.valueIsNull) : nil
            if let start = relation.systemColumn(.windowStart), let end = relation.systemColumn(.windowEnd) {
                windowColumns = (start, end, relation.connector["window_type"]?.lowercased() == "session")
            } else {
                windowColumns = nil
            }
            try KafkaConnector.checkKsqlFormats(relation, options)
        } else {
            valueColumns = Array(schema.fields.indices)
            timestampColumn = nil
            windowColumns = nil
            valueIsNullColumn = nil
        }
        if options.valueFormat == .raw, valueColumns.count != 1 || schema[valueColumns[0]].type != .varchar {
            throw SQLError(.invalidParameterValue, "format 'raw' writes exactly one VARCHAR column")
        }
        if !keyColumns.isEmpty, options.keyFormat == .raw, keyColumns.count != 1 || schema[keyColumns[0]].type != .varchar {
            throw SQLError(.invalidParameterValue, "key format 'raw' needs exactly one VARCHAR key column")
        }
        values = try KafkaRecordEncoder(
            format: options.valueFormat, types: valueColumns.map { schema[$0].type }, names: valueColumns.map { schema[$0].name },
            csv: options.csv, bare: !options.wrapSingleValue,
            registry: try Self.registryWriter(options.valueFormat, columns: valueColumns.map { schema[$0] }, unwrapped: !options.wrapSingleValue,
                                              subject: "\(topicName)-value", id: options.valueSchemaID, fullName: options.valueSchemaFullName,
                                              options: options),
            temporalAsNumbers: ksql)
        if !keyColumns.isEmpty || windowColumns != nil {
            keys = try KafkaRecordEncoder(
                format: options.keyFormat, types: keyColumns.map { schema[$0].type }, names: keyColumns.map { schema[$0].name },
                csv: options.csv, bare: ksql,
                registry: try Self.registryWriter(options.keyFormat, columns: keyColumns.map { schema[$0] }, unwrapped: ksql,
                                                  subject: "\(topicName)-key", id: options.keySchemaID, fullName: options.keySchemaFullName,
                                                  options: options),
                temporalAsNumbers: ksql)
        }
        let reports = reports
        client = try KafkaClient(
            .producer,
            properties: [("message.timeout.ms", String(options.timeoutMillis)), ("log_level", "2"), ("partitioner", "murmur2_random")]
                + options.properties
                + producerProperties
        ) { conf in
            reports.install(on: conf)
        }
        // Fail now, not at the first flush, when the topic is missing or the brokers are down.
        if ksql {
            _ = try client.ensureTopic(topicName, partitions: options.partitions ?? 1, timeoutMillis: options.timeoutMillis)
        } else {
            _ = try client.partitions(of: topicName, timeoutMillis: options.timeoutMillis)
        }
        guard let topic = rd_kafka_topic_new(client.handle, topicName, nil) else {
            throw SQLError(.invalidParameterValue, "invalid Kafka topic name '\(topicName)'")
        }
        self.topic = topic
    }

    deinit {
        rd_kafka_topic_destroy(topic)
    }

    /// For a registry format, the writer of its records, with its schema registered (as ksqlDB
    /// registers a sink's schema when the query starts).
    private static func registryWriter(
        _ format: KafkaFormat, columns: [Field], unwrapped: Bool, subject: String, id: Int?, fullName: String?, options: KafkaOptions
    ) throws(SQLError) -> RegistryRecordFormat? {
        guard let codec = format.registryCodec else { return nil }
        let writer = RegistryRecordFormat(codec, client: try options.registryClient(for: format),
                                          columns: columns.map { RowField($0.name, $0.type) }, unwrapped: unwrapped, fullName: fullName)
        try writer.prepareWriting(subject: subject, id: id)
        return writer
    }

    public func write(_ batch: RowBatch) throws {
        guard batch.count > 0 else { return }
        if !upsert, let kinds = batch.kinds, kinds.contains(where: { $0 != .insert }) {
            throw SQLError(.featureNotSupported, "connector 'kafka' is append-only, but '\(relationName)' receives updates",
                           hint: "use 'connector' = 'upsert-kafka' with a PRIMARY KEY")
        }
        try values.encode(valueColumns.count == batch.columns.count ? batch : RowBatch(columns: valueColumns.map { batch.columns[$0] }, count: batch.count))
        if keys != nil { try keys!.encode(RowBatch(columns: keyColumns.map { batch.columns[$0] }, count: batch.count)) }
        let superseded = try supersededDeletes(batch)
        for row in 0..<batch.count {
            let kind = batch.kind(row)
            if kind == .updateBefore || superseded.contains(row) { continue }
            // Booleans are 0/1 in `ints`: no Value per row on this path.
            let tombstone = kind == .delete || valueIsNullColumn.map { !batch.columns[$0].isNull(row) && batch.columns[$0].ints[row] != 0 } == true
            let timestamp = timestampColumn.map { batch.columns[$0].isNull(row) ? 0 : Self.recordTimestamp(batch.columns[$0].ints[row]) } ?? 0
            try withKey(row, batch) { key in
                if tombstone {
                    try produce(value: nil, key: key, timestamp: timestamp)
                } else {
                    try values.withRow(row) { value in try produce(value: value, key: key, timestamp: timestamp) }
                }
            }
        }
        rd_kafka_poll(client.handle, 0)
        try checkReports()
    }

    /// The deletes a later row of the batch writes again under the same key: the retraction and
    /// the new row of one change (a join's `-D` then `+I`), which an upsert topic takes as the
    /// new row alone, as from an update.
    private func supersededDeletes(_ batch: RowBatch) throws -> Set<Int> {
        guard upsert, let kinds = batch.kinds, kinds.contains(.delete) else { return [] }
        var keyOfRow = [[UInt8]](repeating: [], count: batch.count)
        var lastWrite: [[UInt8]: Int] = [:]
        for row in 0..<batch.count where kinds[row] != .updateBefore {
            try withKey(row, batch) { key in keyOfRow[row] = key.map(Array.init) ?? [] }
            if kinds[row].isAccumulate { lastWrite[keyOfRow[row]] = row }
        }
        var superseded = Set<Int>()
        for row in 0..<batch.count where kinds[row] == .delete {
            if let later = lastWrite[keyOfRow[row]], later > row { superseded.insert(row) }
        }
        return superseded
    }

    /// Throws when a delivery report said a message was lost.
    func checkDeliveries() throws {
        rd_kafka_poll(client.handle, 0)
        try checkReports()
    }

    public func flush() throws {
        let error = rd_kafka_flush(client.handle, Int32(clamping: options.timeoutMillis + 5_000))
        try checkReports()
        if error != RD_KAFKA_RESP_ERR_NO_ERROR {
            let pending = rd_kafka_outq_len(client.handle)
            throw SQLError(.connectionFailure,
                           "\(pending) message\(pending == 1 ? "" : "s") to Kafka topic '\(topicName)' still undelivered after \(options.timeoutMillis / 1000) s",
                           hint: "check that the brokers at \(client.bootstrapServers) are running")
        }
    }

    public func close() throws {
        try flush()
    }

    /// librdkafka takes a timestamp of 0 for "now"; the epoch itself is written 1 ms later.
    static func recordTimestamp(_ millis: Int64) -> Int64 { millis == 0 ? 1 : millis }

    private func withKey(_ row: Int, _ batch: RowBatch, _ body: (UnsafeBufferPointer<UInt8>?) throws -> Void) throws {
        guard let keys else { return try body(nil) }
        guard let window = windowColumns else { return try keys.withRow(row, body) }
        // Kafka Streams' windowed key: the key, then (session: the end and) the start.
        keyBuffer.removeAll(keepingCapacity: true)
        keys.withRow(row) { key in if let key { keyBuffer.append(contentsOf: key) } }
        let bounds = window.session ? [window.end, window.start] : [window.start]
        for column in bounds {
            let millis = UInt64(bitPattern: batch.columns[column].ints[row])
            for shift in stride(from: 56, through: 0, by: -8) { keyBuffer.append(UInt8(truncatingIfNeeded: millis >> UInt64(shift))) }
        }
        try keyBuffer.withUnsafeBufferPointer { try body($0) }
    }

    private func produce(value: UnsafeBufferPointer<UInt8>?, key: UnsafeBufferPointer<UInt8>?, timestamp: Int64) throws {
        let started = SystemClock.monotonicNanos() / 1_000_000
        while true {
            let error = rivulet_kafka_produce(
                client.handle, topic, -1, value?.baseAddress, value?.count ?? 0, key?.baseAddress, key?.count ?? 0, timestamp)
            if error == RD_KAFKA_RESP_ERR_NO_ERROR {
                produced += 1
                return
            }
            guard error == RD_KAFKA_RESP_ERR__QUEUE_FULL else {
                throw SQLError(.ioError, "cannot produce to Kafka topic '\(topicName)': \(KafkaClient.describe(error))")
            }
            // The local queue is full: serve delivery reports until there is room.
            rd_kafka_poll(client.handle, 100)
            try checkReports()
            if SystemClock.monotonicNanos() / 1_000_000 - started > UInt64(options.timeoutMillis) {
                throw SQLError(.connectionFailure, "Kafka topic '\(topicName)': the producer queue stayed full for \(options.timeoutMillis / 1000) s",
                               hint: "check that the brokers at \(client.bootstrapServers) are running")
            }
        }
    }

    private func checkReports() throws {
        guard reports.failed > 0 else { return }
        throw SQLError(.connectionFailure,
                       "\(reports.failed) message\(reports.failed == 1 ? "" : "s") to Kafka topic '\(topicName)' could not be delivered: \(reports.firstError ?? "unknown error")")
    }
}
