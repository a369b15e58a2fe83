-- tumble_agg: COUNT/SUM/AVG/MIN/MAX of bid price per auction per 10 s TUMBLE window
-- Engine only: the nexmark generator (${EVENTS} events, of which 92% are bids) into a blackhole.

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
  'connector' = 'nexmark',
  'kind' = 'bid',
  'events' = '${EVENTS}'
);

CREATE TABLE sink (
  auction BIGINT,
  window_start TIMESTAMP(3),
  window_end TIMESTAMP(3),
  cnt BIGINT,
  sum_price BIGINT,
  avg_price BIGINT,
  avg_d DOUBLE,
  min_price BIGINT,
  max_price BIGINT
) WITH (
  'connector' = 'blackhole'
);

INSERT INTO sink
SELECT auction, window_start, window_end, COUNT(*) AS cnt, SUM(price) AS sum_price,
       AVG(price) AS avg_price, AVG(CAST(price AS DOUBLE)) AS avg_d,
       MIN(price) AS min_price, MAX(price) AS max_price
FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(`dateTime`), INTERVAL '10' SECOND))
GROUP BY auction, window_start, window_end;
