-- q5_count: bids per auction over HOP 10 s windows sliding by 2 s (the aggregation half of Nexmark q5)
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
  num BIGINT
) WITH (
  'connector' = 'blackhole'
);

INSERT INTO sink
SELECT auction, window_start, window_end, COUNT(*) AS num
FROM TABLE(HOP(TABLE bid, DESCRIPTOR(`dateTime`), INTERVAL '2' SECOND, INTERVAL '10' SECOND))
GROUP BY auction, window_start, window_end;
