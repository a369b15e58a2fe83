-- MATCH_RECOGNIZE: per auction, a bid followed by two or more bids each higher than the one
-- before (greedy), then a lower one; the next match starts after it.
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
  start_price BIGINT,
  top_price BIGINT,
  rises BIGINT,
  drop_price BIGINT,
  start_time TIMESTAMP(3),
  match_time TIMESTAMP(3)
) WITH (
  'connector' = 'filesystem',
  'path' = '${SINK_DIR}',
  'format' = 'csv'
);

INSERT INTO sink
SELECT auction, start_price, top_price, rises, drop_price, start_time, match_time
FROM bid
  MATCH_RECOGNIZE (
    PARTITION BY auction
    ORDER BY `dateTime`
    MEASURES
      START_BID.price AS start_price,
      LAST(UP.price) AS top_price,
      COUNT(UP.price) AS rises,
      DOWN.price AS drop_price,
      FIRST(`dateTime`) AS start_time,
      MATCH_ROWTIME() AS match_time
    ONE ROW PER MATCH
    AFTER MATCH SKIP PAST LAST ROW
    PATTERN (START_BID UP{2,} DOWN)
    DEFINE
      UP AS UP.price > LAST(price, 1),
      DOWN AS DOWN.price < LAST(UP.price)
  ) AS m;
