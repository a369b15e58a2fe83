import CRdKafka

/// What librdkafka's delivery reports said about the messages produced so far. Updated by the
/// delivery callback, which runs inside `rd_kafka_poll` / `rd_kafka_flush` on the producing
/// thread.
final class KafkaDeliveryReports {
    var delivered = 0
    var failed = 0
    var firstError: String?

    /// Makes `conf`'s producer count its delivery reports here; `self` must outlive the producer.
    func install(on conf: OpaquePointer) {
        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(self).toOpaque())
        rd_kafka_conf_set_dr_msg_cb(conf) { _, message, opaque in
            guard let message, let opaque else { return }
            let reports = Unmanaged<KafkaDeliveryReports>.fromOpaque(opaque).takeUnretainedValue()
            if message.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR {
                reports.delivered += 1
            } else {
                reports.failed += 1
                if reports.firstError == nil { reports.firstError = KafkaClient.describe(message.pointee.err) }
            }
        }
    }
}
