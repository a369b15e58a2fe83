-- A ROWS over-aggregation: per bidder, each bid with the highest and lowest price and the
-- average of its last six bids (itself and the five before it in event-time order).
-- ${DATA_DIR} / ${SINK_DIR} are substituted by the runner

CREATE TABLE bid (
  auction BIGINT,
  bidder BIGINT,
  price BIGINT,
  channel VARCHAR,
  url VARCHAR,
  `dateTime` TIMESTAMP(3),
  extra VARCHAR,
  WATERMARK FOR `dateTime` AS `dateTime` - INTERVAL '4' SECOND
) WITH (
  'connector' = 'filesystem',
  'path' = '${DATA_DIR}/bid',
  'format' = 'csv'
);

CREATE TABLE sink (
  bidder BIGINT,
  price BIGINT,
  `dateTime` TIMESTAMP(3),
  cnt BIGINT,
  max_price BIGINT,
  min_price BIGINT,
  avg_price BIGINT
) WITH (
  'connector' = 'filesystem',
  'path' = '${SINK_DIR}',
  'format' = 'csv'
);

INSERT INTO sink
SELECT bidder, price, `dateTime`,
  COUNT(price) OVER (PARTITION BY bidder ORDER BY `dateTime` ROWS BETWEEN 5 PRECEDING AND CURRENT ROW),
  MAX(price) OVER (PARTITION BY bidder ORDER BY `dateTime` ROWS BETWEEN 5 PRECEDING AND CURRENT ROW),
  MIN(price) OVER (PARTITION BY bidder ORDER BY `dateTime` ROWS BETWEEN 5 PRECEDING AND CURRENT ROW),
  AVG(price) OVER (PARTITION BY bidder ORDER BY `dateTime` ROWS BETWEEN 5 PRECEDING AND CURRENT ROW)
FROM bid;
