-- A bounded RANGE over-aggregation that forgets rows: per auction, the bids of the 10 seconds
-- up to and including each bid's time (rows with the same time are peers, all included).
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
  auction BIGINT,
  price BIGINT,
  `dateTime` TIMESTAMP(3),
  cnt BIGINT,
  max_price BIGINT,
  min_price BIGINT,
  sum_price BIGINT
) WITH (
  'connector' = 'filesystem',
  'path' = '${SINK_DIR}',
  'format' = 'csv'
);

INSERT INTO sink
SELECT auction, price, `dateTime`,
  COUNT(*) OVER w, MAX(price) OVER w, MIN(price) OVER w, SUM(price) OVER w
FROM bid
WINDOW w AS (PARTITION BY auction ORDER BY `dateTime` RANGE BETWEEN INTERVAL '10' SECOND PRECEDING AND CURRENT ROW);
