-- Flink's set-operations example (queries/set-ops.md) over the reference data: t1 holds the
-- currencies of the largest orders, t2 the currencies of the rate updates; UNION ALL keeps
-- every row of both.
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

CREATE VIEW t1 AS SELECT currency AS s FROM Orders WHERE amount > 49500;

CREATE VIEW t2 AS SELECT currency AS s FROM rates;

CREATE TABLE sink (
  s VARCHAR
) WITH (
  'connector' = 'filesystem',
  'path' = '${SINK_DIR}',
  'format' = 'csv'
);

INSERT INTO sink
(SELECT s FROM t1) UNION ALL (SELECT s FROM t2);
