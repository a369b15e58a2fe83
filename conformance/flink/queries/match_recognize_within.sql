-- MATCH_RECOGNIZE with WITHIN and SKIP TO NEXT ROW: per bidder, a bid and the next two bids
-- whose average price is above the first's, all within 2 seconds.
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
  first_time TIMESTAMP(3),
  last_time TIMESTAMP(3),
  first_price BIGINT,
  avg_next BIGINT,
  total BIGINT
) WITH (
  'connector' = 'filesystem',
  'path' = '${SINK_DIR}',
  'format' = 'csv'
);

INSERT INTO sink
SELECT *
FROM bid
  MATCH_RECOGNIZE (
    PARTITION BY bidder
    ORDER BY `dateTime`
    MEASURES
      A.`dateTime` AS first_time,
      LAST(B.`dateTime`) AS last_time,
      A.price AS first_price,
      AVG(B.price) AS avg_next,
      SUM(price) AS total
    AFTER MATCH SKIP TO NEXT ROW
    PATTERN (A B{2}) WITHIN INTERVAL '2' SECOND
    DEFINE
      B AS AVG(B.price) > A.price
  );
