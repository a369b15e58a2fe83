-- Baseline for the sink figures: the same changelog aggregation over ${ROWS} generated rows and ${KEYS} keys,
-- into a blackhole sink, which discards it.
CREATE TABLE events (k BIGINT, v BIGINT) WITH (
  'connector' = 'datagen', 'number-of-rows' = '${ROWS}', 'seed' = '7',
  'fields.k.min' = '1', 'fields.k.max' = '${KEYS}', 'fields.v.min' = '1', 'fields.v.max' = '1000'
);
CREATE TABLE totals (k BIGINT, n BIGINT, total BIGINT, PRIMARY KEY (k) NOT ENFORCED)
  WITH ('connector' = 'blackhole');
INSERT INTO totals SELECT k, COUNT(*), SUM(v) FROM events GROUP BY k;
