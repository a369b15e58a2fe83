-- q0: passthrough of bids (Nexmark q0)
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
  bidder BIGINT,
  price BIGINT,
  `dateTime` TIMESTAMP(3),
  extra VARCHAR
) WITH (
  'connector' = 'blackhole'
);

INSERT INTO sink
SELECT auction, bidder, price, `dateTime`, extra FROM bid;
