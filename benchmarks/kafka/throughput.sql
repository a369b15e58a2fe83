-- Source throughput: every event of the 3-partition topic `events` (bounded: up to the end
-- offsets at start), a filter that keeps two thirds, into the Kafka topic `kept`.
-- rivulet run benchmarks/kafka/throughput.sql -D KAFKA=<address of rivulet dev kafka>
CREATE STREAM events (id BIGINT, account VARCHAR, amount BIGINT, ts TIMESTAMP(3))
WITH ('connector' = 'kafka', 'topic' = 'events', 'format' = 'json', 'properties.bootstrap.servers' = '${KAFKA}',
      'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset');
CREATE TABLE kept (id BIGINT, account VARCHAR, amount BIGINT, ts TIMESTAMP(3))
WITH ('connector' = 'kafka', 'topic' = 'kept', 'format' = 'json', 'properties.bootstrap.servers' = '${KAFKA}');
INSERT INTO kept SELECT id, account, amount, ts FROM events WHERE MOD(id, 3) <> 0;
