#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CRdKafka
public import RivuletCore
import RivuletPlanner
public import RivuletRuntime

/// `'sink.delivery-guarantee' = 'exactly-once'`: a Kafka sink that writes each checkpoint's rows
/// in one Kafka transaction, so consumers with `isolation.level = read_committed` see a
/// checkpoint's rows all at once or not at all.
///
/// The producer's `transactional.id` is `<prefix>-<query id>` (prefix `sink.transactional-id-prefix`,
/// default `rivulet`), the same for every run of the query: `init_transactions` at start fences
/// a previous run that is still alive and aborts whatever transaction it left open. A
/// transaction begins with the first write after a checkpoint and commits with the checkpoint;
/// a failed delivery or commit aborts it and fails the checkpoint.
///
/// Which checkpoint the topic holds is committed inside the same transaction, as Kafka Streams
/// does: the checkpoint id as the offset of the sink topic's partition 0 in the consumer group
/// named after the `transactional.id`, with the data directory's token as its metadata. A
/// restarted query reads it back and resumes from that checkpoint, so nothing is written twice.
final class KafkaTransactionalSink: TransactionalSink {
    private let relation: Relation
    private let options: KafkaOptions
    private let upsert: Bool
    private var writer: KafkaSinkWriter?
    private var transactionalId = ""
    private var inTransaction = false

    init(relation: Relation, options: KafkaOptions, upsert: Bool) {
        self.relation = relation
        self.options = options
        self.upsert = upsert
    }

    private var topic: String { options.topics[0] }
    private var timeout: Int32 { Int32(clamping: options.timeoutMillis) }

    func beginCheckpointing(query: String) throws -> CheckpointMark? {
        try open(transactionalId: "\(options.transactionalIdPrefix ?? "rivulet")-\(query)")
        return try committedMark(query: query)
    }

    func write(_ batch: RowBatch) throws {
        guard batch.count > 0 else { return }
        if writer == nil { try open(transactionalId: "\(options.transactionalIdPrefix ?? "rivulet")-\(relation.name)") }
        if !inTransaction { try begin() }
        do {
            try writer!.write(batch)
        } catch {
            abort()
            throw error
        }
    }

    func commit(_ mark: CheckpointMark) throws {
        guard let writer else { throw SQLError.internal("commit before beginCheckpointing") }
        if !inTransaction { try begin() }
        do {
            try writer.checkDeliveries()
            let offsets = rd_kafka_topic_partition_list_new(1)!
            defer { rd_kafka_topic_partition_list_destroy(offsets) }
            let entry = rd_kafka_topic_partition_list_add(offsets, topic, 0)!
            entry.pointee.offset = mark.checkpoint
            entry.pointee.metadata = UnsafeMutableRawPointer(strdup(mark.instance))
            entry.pointee.metadata_size = mark.instance.utf8.count
            let group = rd_kafka_consumer_group_metadata_new(transactionalId)
            defer { rd_kafka_consumer_group_metadata_destroy(group) }
            try check(rd_kafka_send_offsets_to_transaction(writer.client.handle, offsets, group, timeout),
                      doing: "recording checkpoint \(mark.checkpoint) in the transaction")
            try commitTransaction()
            // Deliveries that failed while committing count too: the transaction did not hold them.
            try writer.checkDeliveries()
        } catch {
            abort()
            throw error
        }
    }

    /// Without checkpoints (a query that cannot take them), each flush commits what was written.
    func flush() throws {
        guard writer != nil, inTransaction else { return }
        do {
            try commitTransaction()
        } catch {
            abort()
            throw error
        }
    }

    func close() throws {
        try flush()
    }

    private func open(transactionalId: String) throws {
        guard writer == nil else { return }
        self.transactionalId = transactionalId
        let writer = try KafkaSinkWriter(relation: relation, options: options, upsert: upsert,
                                         producerProperties: [("transactional.id", transactionalId)])
        try check(rd_kafka_init_transactions(writer.client.handle, timeout), doing: "starting transactions as '\(transactionalId)'")
        self.writer = writer
    }

    private func begin() throws {
        guard let writer else { return }
        try check(rd_kafka_begin_transaction(writer.client.handle), doing: "beginning a transaction")
        inTransaction = true
    }

    private func commitTransaction() throws {
        guard let writer else { return }
        let started = SystemClock.monotonicNanos() / 1_000_000
        while true {
            guard let error = rd_kafka_commit_transaction(writer.client.handle, timeout) else { break }
            // A commit that timed out may be retried; anything else aborts.
            let retriable = rd_kafka_error_is_retriable(error) != 0
            let failure = describe(error, doing: "committing the transaction")
            rd_kafka_error_destroy(error)
            guard retriable, SystemClock.monotonicNanos() / 1_000_000 - started < UInt64(options.timeoutMillis) else { throw failure }
        }
        inTransaction = false
    }

    /// Aborts the open transaction after a failure; the error being reported matters more than
    /// whether the abort succeeds (a restart's `init_transactions` aborts it anyway).
    private func abort() {
        guard let writer, inTransaction else { return }
        inTransaction = false
        if let error = rd_kafka_abort_transaction(writer.client.handle, timeout) { rd_kafka_error_destroy(error) }
    }

    /// The checkpoint recorded by the last committed transaction of this `transactional.id`.
    private func committedMark(query: String) throws -> CheckpointMark? {
        let properties = [("log_level", "2")] + options.properties.filter { $0.key != "transactional.id" && $0.key != "group.id" }
            + [("group.id", transactionalId), ("enable.auto.commit", "false")]
        let reader = try KafkaClient(.consumer, properties: properties)
        defer { rd_kafka_consumer_close(reader.handle) }
        let list = rd_kafka_topic_partition_list_new(1)!
        defer { rd_kafka_topic_partition_list_destroy(list) }
        rd_kafka_topic_partition_list_add(list, topic, 0)
        let error = rd_kafka_committed(reader.handle, list, timeout)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw reader.unreachable(error, doing: "reading which checkpoint topic '\(topic)' holds")
        }
        let entry = list.pointee.elems[0]
        guard entry.err == RD_KAFKA_RESP_ERR_NO_ERROR, entry.offset > 0, let metadata = entry.metadata else { return nil }
        let instance = String(decoding: UnsafeRawBufferPointer(start: metadata, count: entry.metadata_size), as: UTF8.self)
        return CheckpointMark(query: query, instance: instance, checkpoint: entry.offset)
    }

    private func check(_ error: OpaquePointer?, doing what: String) throws {
        guard let error else { return }
        let failure = describe(error, doing: what)
        rd_kafka_error_destroy(error)
        throw failure
    }

    private func describe(_ error: OpaquePointer, doing what: String) -> SQLError {
        let fenced = rd_kafka_error_is_fatal(error) != 0 && rd_kafka_error_code(error) == RD_KAFKA_RESP_ERR__FENCED
        return SQLError(
            .connectionFailure, "Kafka sink '\(relation.name)': \(String(cString: rd_kafka_error_string(error))) while \(what)",
            hint: fenced ? "another run of this query (transactional.id '\(transactionalId)') has taken over" : nil)
    }
}
