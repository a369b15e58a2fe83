import CRdKafka

/// Carries librdkafka's rebalance callback to the reader of a consumer group. Installed on the
/// configuration before the consumer exists, it finds the reader once the reader is built; the
/// callback runs inside the reader's own `rd_kafka_consumer_poll`, on the reader's thread.
final class KafkaRebalanceRelay {
    /// Nil while the reader is being built or torn down: then partitions are only unassigned.
    weak var reader: KafkaSourceReader?

    /// `self` must outlive the consumer.
    func install(on conf: OpaquePointer) {
        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(self).toOpaque())
        rd_kafka_conf_set_rebalance_cb(conf) { handle, error, list, opaque in
            guard let handle, let list else { return }
            let relay = opaque.map { Unmanaged<KafkaRebalanceRelay>.fromOpaque($0).takeUnretainedValue() }
            if let reader = relay?.reader {
                reader.rebalanced(error, list)
            } else {
                rd_kafka_assign(handle, nil)
            }
        }
    }
}
