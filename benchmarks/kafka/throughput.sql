-- Source throughput: every event of the topic `events` (bounded: up to the end offsets at
-- start), a filter that keeps two thirds, into the Kafka topic OUT.
-- rivulet run benchmarks/kafka/throughput.sql -D KAFKA=<address of rivulet dev kafka> -D OUT=kept0
CREATE STREAM events (id BIGINT, account VARCHAR, amount BIGINT, ts TIMESTAMP(3))
WITH ('connector' = 'kafka', 'topic' = 'events', 'format' = 'json', 'properties.bootstrap.servers' = '${KAFKA}',
      'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset');
CREATE TABLE kept (id BIGINT, account VARCHAR, amount BIGINT, ts TIMESTAMP(3))
WITH ('connector' = 'kafka', 'topic' = '${OUT}', 'format' = 'json', 'properties.bootstrap.servers' = '${KAFKA}');
INSERT INTO kept SELECT id, account, amount, ts FROM events WHERE MOD(id, 3) <> 0;
