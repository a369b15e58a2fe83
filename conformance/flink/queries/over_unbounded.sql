-- Unbounded over-aggregations: per channel, a running count and total of bid prices up to each
-- bid (RANGE UNBOUNDED PRECEDING: peers with the same time included).
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
  channel VARCHAR,
  price BIGINT,
  `dateTime` TIMESTAMP(3),
  cnt BIGINT,
  total BIGINT
) WITH (
  'connector' = 'filesystem',
  'path' = '${SINK_DIR}',
  'format' = 'csv'
);

INSERT INTO sink
SELECT channel, price, `dateTime`,
  COUNT(*) OVER (PARTITION BY channel ORDER BY `dateTime` RANGE UNBOUNDED PRECEDING),
  SUM(price) OVER (PARTITION BY channel ORDER BY `dateTime` RANGE UNBOUNDED PRECEDING)
FROM bid WHERE channel IN ('Google', 'Baidu', 'Apple', 'Facebook');
