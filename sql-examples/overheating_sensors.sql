-- Anomaly detection over a hopping window: every 10 seconds, the average temperature of each
-- sensor over the last minute; sensors averaging above 80 degrees are written as alerts to
-- a CSV folder and printed.
--
--   rivulet run sql-examples/overheating_sensors.sql
--   cat sql-examples/out/alerts/*.csv
--
-- Expect alerts only for sensor s3, which runs hot (about 88 degrees) from 09:01:40 to 09:02:50;
-- the other sensors stay near 60 degrees.

CREATE TABLE readings (
  sensor VARCHAR,
  temperature DOUBLE,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '2' SECOND
) WITH (
  'connector' = 'filesystem',
  'path' = 'data/sensors.csv',
  'format' = 'csv'
);

CREATE TABLE alerts (
  sensor VARCHAR,
  window_start TIMESTAMP(3),
  window_end TIMESTAMP(3),
  avg_temperature DOUBLE,
  readings BIGINT
) WITH (
  'connector' = 'filesystem',
  'path' = 'out/alerts',
  'format' = 'csv'
);

INSERT INTO alerts
SELECT sensor, window_start, window_end, AVG(temperature), COUNT(*)
FROM TABLE(HOP(TABLE readings, DESCRIPTOR(ts), INTERVAL '10' SECOND, INTERVAL '1' MINUTE))
GROUP BY sensor, window_start, window_end
HAVING AVG(temperature) > 80;

SELECT sensor, window_start, window_end, ROUND(AVG(temperature), 1) AS avg_temperature
FROM TABLE(HOP(TABLE readings, DESCRIPTOR(ts), INTERVAL '10' SECOND, INTERVAL '1' MINUTE))
GROUP BY sensor, window_start, window_end
HAVING AVG(temperature) > 80;
