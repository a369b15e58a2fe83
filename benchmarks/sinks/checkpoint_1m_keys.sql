-- Checkpoint duration for 1 M keys of state: a GROUP BY over 1,000,000 distinct keys (a sequence),
-- into a blackhole sink; rivulet run reports its last checkpoint's size and duration.
CREATE TABLE events (k BIGINT, v BIGINT) WITH (
  'connector' = 'datagen', 'number-of-rows' = '1000000', 'seed' = '7',
  'fields.k.kind' = 'sequence', 'fields.k.start' = '1', 'fields.k.end' = '1000000', 'fields.v.min' = '1', 'fields.v.max' = '1000'
);
CREATE TABLE totals (k BIGINT, n BIGINT, total BIGINT, PRIMARY KEY (k) NOT ENFORCED) WITH ('connector' = 'blackhole');
INSERT INTO totals SELECT k, COUNT(*), SUM(v) FROM events GROUP BY k;
