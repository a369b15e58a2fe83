#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

/// rd_kafka_producev is variadic, which Swift cannot call: one message with its key, value,
/// partition (RD_KAFKA_PARTITION_UA: the partitioner's choice) and timestamp (0: now).
static inline rd_kafka_resp_err_t rivulet_kafka_produce(rd_kafka_t *rk, rd_kafka_topic_t *rkt, int32_t partition,
                                                        const void *value, size_t value_len,
                                                        const void *key, size_t key_len, int64_t timestamp) {
    return rd_kafka_producev(rk, RD_KAFKA_V_RKT(rkt), RD_KAFKA_V_PARTITION(partition),
                             RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                             RD_KAFKA_V_VALUE((void *)value, value_len), RD_KAFKA_V_KEY(key, key_len),
                             RD_KAFKA_V_TIMESTAMP(timestamp), RD_KAFKA_V_END);
}
