-- Sink throughput, SQLite: a changelog aggregation over ${ROWS} generated rows and ${KEYS} keys,
-- upserted by key into SQLite (one transaction per checkpoint).
CREATE TABLE events (k BIGINT, v BIGINT) WITH (
  'connector' = 'datagen', 'number-of-rows' = '${ROWS}', 'seed' = '7',
  'fields.k.min' = '1', 'fields.k.max' = '${KEYS}', 'fields.v.min' = '1', 'fields.v.max' = '1000'
);
CREATE TABLE totals (k BIGINT, n BIGINT, total BIGINT, PRIMARY KEY (k) NOT ENFORCED)
  WITH ('connector' = 'sqlite', 'path' = '${DB}', 'table' = 'totals');
INSERT INTO totals SELECT k, COUNT(*), SUM(v) FROM events GROUP BY k;
