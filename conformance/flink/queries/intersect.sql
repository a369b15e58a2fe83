-- Flink's set-operations example (queries/set-ops.md): INTERSECT keeps each distinct row of t1
-- that t2 also holds.
-- A changelog, so the script ends in a SELECT: its final rows are compared.
-- ${DATA_DIR} is substituted by the runner

CREATE TABLE Orders (
  order_id BIGINT,
  currency VARCHAR,
  amount DECIMAL(10, 2),
  order_time TIMESTAMP(3),
  WATERMARK FOR order_time AS order_time - INTERVAL '4' SECOND
) WITH (
  'connector' = 'filesystem',
  'path' = '${DATA_DIR}/orders',
  'format' = 'csv'
);

CREATE TABLE rates (
  currency VARCHAR,
  rate DECIMAL(10, 4),
  rate_time TIMESTAMP(3),
  WATERMARK FOR rate_time AS rate_time - INTERVAL '4' SECOND
) WITH (
  'connector' = 'filesystem',
  'path' = '${DATA_DIR}/rates',
  'format' = 'csv'
);

CREATE VIEW t1 AS SELECT currency AS s FROM Orders WHERE amount > 49500;

CREATE VIEW t2 AS SELECT currency AS s FROM rates;

(SELECT s FROM t1) INTERSECT (SELECT s FROM t2);
