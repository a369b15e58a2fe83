#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CRdKafka
import RivuletCore
import RivuletRuntime

/// One librdkafka client handle (`rd_kafka_t`), configured from connector properties.
final class KafkaClient {
    enum Role {
        case consumer
        case producer
    }

    let handle: OpaquePointer
    let role: Role
    let bootstrapServers: String

    /// - Parameters:
    ///   - properties: librdkafka properties; ours first, the user's after so they win.
    ///   - configure: last changes to the configuration (callbacks, opaque).
    init(_ role: Role, properties: [(key: String, value: String)], configure: (OpaquePointer) -> Void = { _ in }) throws(SQLError) {
        self.role = role
        bootstrapServers = properties.last { $0.key == "bootstrap.servers" }?.value ?? ""
        let conf = try Self.configuration(properties)
        configure(conf)
        var message = [CChar](repeating: 0, count: 512)
        guard let handle = rd_kafka_new(role == .consumer ? RD_KAFKA_CONSUMER : RD_KAFKA_PRODUCER, conf, &message, message.count) else {
            rd_kafka_conf_destroy(conf)
            throw SQLError(.invalidParameterValue, "cannot create a Kafka client: \(String(cString: message))")
        }
        self.handle = handle
    }

    deinit {
        rd_kafka_destroy(handle)
    }

    /// A configuration with `properties` set; an unknown or invalid property is an error naming it.
    static func configuration(_ properties: [(key: String, value: String)]) throws(SQLError) -> OpaquePointer {
        let conf = rd_kafka_conf_new()!
        var message = [CChar](repeating: 0, count: 512)
        for (key, value) in properties where rd_kafka_conf_set(conf, key, value, &message, message.count) != RD_KAFKA_CONF_OK {
            rd_kafka_conf_destroy(conf)
            throw SQLError(.invalidParameterValue, "invalid Kafka property 'properties.\(key)': \(String(cString: message))")
        }
        return conf
    }

    /// Checks properties as librdkafka would, without connecting.
    static func check(_ properties: [(key: String, value: String)]) throws(SQLError) {
        rd_kafka_conf_destroy(try configuration(properties))
    }

    static func describe(_ error: rd_kafka_resp_err_t) -> String {
        String(cString: rd_kafka_err2str(error))
    }

    /// The partitions of `topic`, or an error saying the topic does not exist or the cluster
    /// cannot be reached within `timeoutMillis`.
    func partitions(of topic: String, timeoutMillis: Int64) throws(SQLError) -> [Int32] {
        // All topics: asking for one by name makes brokers that auto-create topics create it.
        var metadata: UnsafePointer<rd_kafka_metadata>?
        let error = rd_kafka_metadata(handle, 1, nil, &metadata, Int32(clamping: timeoutMillis))
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else {
            throw unreachable(error, doing: "reading the metadata of topic '\(topic)'")
        }
        defer { rd_kafka_metadata_destroy(metadata) }
        let topics = UnsafeBufferPointer(start: metadata.pointee.topics, count: Int(metadata.pointee.topic_cnt))
        guard let found = topics.first(where: { String(cString: $0.topic) == topic }) else {
            throw SQLError(.undefinedTable, "Kafka topic '\(topic)' does not exist at \(bootstrapServers)",
                           hint: "create it first (with `rivulet dev kafka --topic \(topic):PARTITIONS` for a local broker)")
        }
        if found.err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART || (found.err == RD_KAFKA_RESP_ERR_NO_ERROR && found.partition_cnt == 0) {
            throw SQLError(.undefinedTable, "Kafka topic '\(topic)' does not exist at \(bootstrapServers)",
                           hint: "create it first (with `rivulet dev kafka --topic \(topic):PARTITIONS` for a local broker)")
        }
        guard found.err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw SQLError(.ioError, "cannot read Kafka topic '\(topic)': \(Self.describe(found.err))")
        }
        let partitions = UnsafeBufferPointer(start: found.partitions, count: Int(found.partition_cnt))
        return partitions.map(\.id).sorted()
    }

    /// Creates `topic` with `partitions` partitions (replication 1) unless it exists; returns
    /// its partitions. A topic created by another client meanwhile is taken as it is. A broker
    /// that does not answer CreateTopics (librdkafka's mock cluster, `rivulet dev kafka`) is asked
    /// for the topic's metadata instead, which makes such brokers create it.
    func ensureTopic(_ topic: String, partitions count: Int, timeoutMillis: Int64) throws(SQLError) -> [Int32] {
        if let existing = try? partitions(of: topic, timeoutMillis: timeoutMillis) { return existing }
        if try !requestTopic(topic, partitions: count, timeoutMillis: min(timeoutMillis, 5_000)) {
            var metadata: UnsafePointer<rd_kafka_metadata>?
            if let named = rd_kafka_topic_new(handle, topic, nil) {
                _ = rd_kafka_metadata(handle, 0, named, &metadata, Int32(clamping: timeoutMillis))
                rd_kafka_topic_destroy(named)
            }
            if let metadata { rd_kafka_metadata_destroy(metadata) }
        }
        // The new topic's metadata reaches every broker shortly after the request returns.
        let deadline = SystemClock.monotonicNanos() / 1_000_000 + UInt64(timeoutMillis)
        while true {
            if let created = try? partitions(of: topic, timeoutMillis: timeoutMillis) { return created }
            if SystemClock.monotonicNanos() / 1_000_000 > deadline { return try partitions(of: topic, timeoutMillis: timeoutMillis) }
            usleep(20_000)
        }
    }

    /// Sends CreateTopics; false when the broker did not answer in time.
    private func requestTopic(_ topic: String, partitions count: Int, timeoutMillis: Int64) throws(SQLError) -> Bool {
        var message = [CChar](repeating: 0, count: 512)
        var newTopics: [OpaquePointer?] = [rd_kafka_NewTopic_new(topic, Int32(max(1, count)), -1, &message, message.count)]
        guard newTopics[0] != nil else {
            throw SQLError(.invalidParameterValue, "cannot create Kafka topic '\(topic)': \(String(cString: message))")
        }
        defer { rd_kafka_NewTopic_destroy(newTopics[0]) }
        let options = rd_kafka_AdminOptions_new(handle, RD_KAFKA_ADMIN_OP_CREATETOPICS)
        defer { rd_kafka_AdminOptions_destroy(options) }
        _ = rd_kafka_AdminOptions_set_request_timeout(options, Int32(clamping: timeoutMillis), &message, message.count)
        let queue = rd_kafka_queue_new(handle)
        defer { rd_kafka_queue_destroy(queue) }
        rd_kafka_CreateTopics(handle, &newTopics, 1, options, queue)
        guard let event = rd_kafka_queue_poll(queue, Int32(clamping: timeoutMillis + 1_000)) else { return false }
        defer { rd_kafka_event_destroy(event) }
        var resultCount = 0
        if let results = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event), &resultCount), resultCount > 0 {
            let error = rd_kafka_topic_result_error(results[0])
            if error == RD_KAFKA_RESP_ERR__TIMED_OUT { return false }
            if error != RD_KAFKA_RESP_ERR_NO_ERROR && error != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS {
                throw SQLError(.ioError, "cannot create Kafka topic '\(topic)': \(String(cString: rd_kafka_topic_result_error_string(results[0])))")
            }
            return true
        }
        let error = rd_kafka_event_error(event)
        if error == RD_KAFKA_RESP_ERR__TIMED_OUT { return false }
        if error != RD_KAFKA_RESP_ERR_NO_ERROR { throw unreachable(error, doing: "creating topic '\(topic)'") }
        return true
    }

    /// The error for a request that failed or timed out, naming the brokers.
    func unreachable(_ error: rd_kafka_resp_err_t, doing what: String) -> SQLError {
        switch error {
        case RD_KAFKA_RESP_ERR__TIMED_OUT, RD_KAFKA_RESP_ERR__TRANSPORT, RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
            return SQLError(.connectionFailure, "cannot reach the Kafka brokers at \(bootstrapServers) (\(Self.describe(error))) while \(what)",
                            hint: "check 'properties.bootstrap.servers' and that the brokers are running")
        default:
            return SQLError(.ioError, "Kafka error while \(what): \(Self.describe(error))")
        }
    }
}
