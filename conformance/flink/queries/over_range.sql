-- Flink's over-aggregation example (queries/over-agg.md) over the reference orders: for each
-- order, the sum of the amounts of its currency's orders in the hour up to it. One row per
-- order, emitted in event-time order once the watermark passes it; append-only.
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
  one_hour_prod_amount_sum DECIMAL(38, 2)
) WITH (
  'connector' = 'filesystem',
  'path' = '${SINK_DIR}',
  'format' = 'csv'
);

INSERT INTO sink
SELECT order_id, order_time, amount,
  SUM(amount) OVER (
    PARTITION BY currency
    ORDER BY order_time
    RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW
  ) AS one_hour_prod_amount_sum
FROM Orders;
