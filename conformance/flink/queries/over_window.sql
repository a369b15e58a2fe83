-- Flink's over-aggregation example with a named window (queries/over-agg.md), over the
-- reference orders: SUM and AVG of the amounts of each currency's orders in the hour up to
-- each order, both over the window `w` declared in the WINDOW clause.
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

CREATE TABLE sink (
  order_id BIGINT,
  order_time TIMESTAMP(3),
  amount DECIMAL(10, 2),
  sum_amount DECIMAL(38, 2),
  avg_amount DECIMAL(38, 6)
) WITH (
  'connector' = 'filesystem',
  'path' = '${SINK_DIR}',
  'format' = 'csv'
);

INSERT INTO sink
SELECT order_id, order_time, amount,
  SUM(amount) OVER w AS sum_amount,
  AVG(amount) OVER w AS avg_amount
FROM Orders
WINDOW w AS (
  PARTITION BY currency
  ORDER BY order_time
  RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW);
