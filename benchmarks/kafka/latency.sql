-- End-to-end latency: every event of `live` (unbounded) copied to `echo` as it arrives.
-- rivulet run benchmarks/kafka/latency.sql -D KAFKA=<address of rivulet dev kafka>
CREATE STREAM live (id BIGINT, sent_us BIGINT)
WITH ('connector' = 'kafka', 'topic' = 'live', 'format' = 'json', 'properties.bootstrap.servers' = '${KAFKA}',
      'scan.startup.mode' = 'earliest-offset', 'properties.fetch.wait.max.ms' = '5');
CREATE TABLE echo (id BIGINT, sent_us BIGINT)
WITH ('connector' = 'kafka', 'topic' = 'echo', 'format' = 'json', 'properties.bootstrap.servers' = '${KAFKA}',
      'properties.linger.ms' = '1');
INSERT INTO echo SELECT id, sent_us FROM live;
