import CRdKafka
public import RivuletCore

/// A Kafka cluster inside this process: librdkafka's mock brokers, which speak the Kafka
/// protocol on localhost ports. For `rivulet dev kafka` and tests; data lives in memory and is
/// gone when the cluster is released.
public final class KafkaMockCluster: @unchecked Sendable {
    private let client: OpaquePointer
    private let cluster: OpaquePointer
    /// `host:port,...` to pass as `properties.bootstrap.servers`.
    public let bootstrapServers: String

    public init(brokers: Int = 1) throws(SQLError) {
        let conf = try KafkaClient.configuration([("log_level", "2")])
        var message = [CChar](repeating: 0, count: 512)
        guard let client = rd_kafka_new(RD_KAFKA_PRODUCER, conf, &message, message.count) else {
            rd_kafka_conf_destroy(conf)
            throw SQLError(.internalError, "cannot start the mock Kafka cluster: \(String(cString: message))")
        }
        guard let cluster = rd_kafka_mock_cluster_new(client, Int32(max(1, brokers))) else {
            rd_kafka_destroy(client)
            throw SQLError(.internalError, "cannot start the mock Kafka cluster")
        }
        self.client = client
        self.cluster = cluster
        bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(cluster))
    }

    deinit {
        rd_kafka_mock_cluster_destroy(cluster)
        rd_kafka_destroy(client)
    }

    public func createTopic(_ name: String, partitions: Int = 1) throws(SQLError) {
        let error = rd_kafka_mock_topic_create(cluster, name, Int32(partitions), 1)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw SQLError(.invalidParameterValue, "cannot create topic '\(name)': \(KafkaClient.describe(error))")
        }
    }

    /// Takes every broker down (connections refused) or back up, to try failure handling.
    public func setBrokersUp(_ up: Bool) {
        if up {
            _ = rd_kafka_mock_broker_set_up(cluster, -1)
        } else {
            _ = rd_kafka_mock_broker_set_down(cluster, -1)
        }
    }
}
