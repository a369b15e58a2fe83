import CRdKafka
import Foundation
public import RivuletCore

/// A one-partition Kafka topic used as an ordered log of records, as ksqlDB uses its command
/// topic: any client appends, every reader sees the same records in the same order.
///
/// Appends may come from any thread (one at a time); reading (`seek`, `read`) belongs to one
/// thread.
public final class KafkaLogTopic: @unchecked Sendable {
    public let name: String
    public let bootstrapServers: String
    private let timeoutMillis: Int64
    private let producer: KafkaClient
    private let topic: OpaquePointer
    private let delivery: LastDelivery
    private let appending = NSLock()
    private let consumer: KafkaClient

    /// Connects, creating the topic with one partition when it is missing.
    public init(bootstrapServers: String, topic name: String, timeoutMillis: Int64 = 30_000) throws(SQLError) {
        self.name = name
        self.bootstrapServers = bootstrapServers
        self.timeoutMillis = timeoutMillis
        let delivery = LastDelivery()
        self.delivery = delivery
        producer = try KafkaClient(
            .producer,
            properties: [
                ("bootstrap.servers", bootstrapServers), ("log_level", "2"), ("acks", "all"), ("enable.idempotence", "true"),
                ("linger.ms", "0"),
            ]
        ) { conf in delivery.install(on: conf) }
        let partitions = try producer.ensureTopic(name, partitions: 1, timeoutMillis: timeoutMillis)
        guard partitions == [0] else {
            throw SQLError(.invalidParameterValue, "Kafka topic '\(name)' has \(partitions.count) partitions; it must have exactly one",
                           hint: "its records must keep one order for every reader")
        }
        guard let topic = rd_kafka_topic_new(producer.handle, name, nil) else {
            throw SQLError(.invalidParameterValue, "invalid Kafka topic name '\(name)'")
        }
        self.topic = topic
        // A reader of its own, never committing: every reader reads the whole log.
        consumer = try KafkaClient(
            .consumer,
            properties: [
                ("bootstrap.servers", bootstrapServers), ("log_level", "2"), ("enable.auto.commit", "false"),
                ("group.id", "rivulet-log-\(UInt64.random(in: 0...UInt64.max))"), ("isolation.level", "read_committed"),
            ])
    }

    deinit {
        rd_kafka_topic_destroy(topic)
        rd_kafka_consumer_close(consumer.handle)
    }

    /// Appends `record`, waiting until the broker has acknowledged it; returns its offset.
    public func append(_ record: [UInt8]) throws(SQLError) -> Int64 {
        appending.lock()
        defer { appending.unlock() }
        delivery.reset()
        let error = record.withUnsafeBytes { bytes in
            rivulet_kafka_produce(producer.handle, topic, 0, bytes.baseAddress, bytes.count, nil, 0, 0)
        }
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else { throw producer.unreachable(error, doing: "appending to topic '\(name)'") }
        _ = rd_kafka_flush(producer.handle, Int32(clamping: timeoutMillis))
        switch delivery.outcome {
        case .delivered(let offset)?: return offset
        case .failed(let error)?: throw producer.unreachable(error, doing: "appending to topic '\(name)'")
        case nil: throw producer.unreachable(RD_KAFKA_RESP_ERR__TIMED_OUT, doing: "appending to topic '\(name)'")
        }
    }

    /// The offset the next appended record gets.
    public func endOffset() throws(SQLError) -> Int64 {
        var low: Int64 = 0
        var high: Int64 = 0
        let error = rd_kafka_query_watermark_offsets(consumer.handle, name, 0, &low, &high, Int32(clamping: timeoutMillis))
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else { throw consumer.unreachable(error, doing: "reading the end of topic '\(name)'") }
        return high
    }

    /// Reads from `offset` on.
    public func seek(to offset: Int64) throws(SQLError) {
        let list = rd_kafka_topic_partition_list_new(1)!
        defer { rd_kafka_topic_partition_list_destroy(list) }
        rd_kafka_topic_partition_list_add(list, name, 0).pointee.offset = offset
        let error = rd_kafka_assign(consumer.handle, list)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else { throw consumer.unreachable(error, doing: "reading topic '\(name)'") }
    }

    /// The records that have arrived, waiting up to `waitingMillis` for the first; errors of the
    /// connection (retried by librdkafka) give none.
    public func read(waitingMillis: Int32) -> [(offset: Int64, record: [UInt8])] {
        var records: [(offset: Int64, record: [UInt8])] = []
        var wait = waitingMillis
        while let message = rd_kafka_consumer_poll(consumer.handle, wait) {
            defer { rd_kafka_message_destroy(message) }
            wait = 0
            guard message.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR else { continue }
            let bytes = message.pointee.payload.map {
                Array(UnsafeRawBufferPointer(start: $0, count: message.pointee.len))
            } ?? []
            records.append((message.pointee.offset, bytes))
            if records.count >= 100 { break }
        }
        return records
    }
}

/// What the delivery report of the one record in flight said.
private final class LastDelivery: @unchecked Sendable {
    enum Outcome {
        case delivered(Int64)
        case failed(rd_kafka_resp_err_t)
    }

    var outcome: Outcome?

    func reset() { outcome = nil }

    /// `self` must outlive the producer.
    func install(on conf: OpaquePointer) {
        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(self).toOpaque())
        rd_kafka_conf_set_dr_msg_cb(conf) { _, message, opaque in
            guard let message, let opaque else { return }
            let delivery = Unmanaged<LastDelivery>.fromOpaque(opaque).takeUnretainedValue()
            delivery.outcome = message.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR ? .delivered(message.pointee.offset) : .failed(message.pointee.err)
        }
    }
}
