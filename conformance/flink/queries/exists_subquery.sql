-- Flink's EXISTS example (queries/set-ops.md) over the reference data: the orders for which a
-- rate of their currency exists, a correlated semi join.
-- ${DATA_DIR} / ${SINK_DIR} are substituted by the runner

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

CREATE TABLE sink (
  order_id BIGINT,
  amount DECIMAL(10, 2)
) WITH (
  'connector' = 'filesystem',
  'path' = '${SINK_DIR}',
  'format' = 'csv'
);

INSERT INTO sink
SELECT order_id, amount FROM Orders o
WHERE EXISTS (SELECT * FROM rates r WHERE r.currency = o.currency);
