/// What librdkafka's delivery reports said about the messages produced so far. Updated by the
/// delivery callback, which runs inside `rd_kafka_poll` / `rd_kafka_flush` on the producing
/// thread.
final class KafkaDeliveryReports {
    var delivered = 0
    var failed = 0
    var firstError: String?
}
