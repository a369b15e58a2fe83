-- q1: currency conversion, DECIMAL arithmetic (Nexmark q1)
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
  price DECIMAL(23, 3),
  `dateTime` TIMESTAMP(3),
  extra VARCHAR
) WITH (
  'connector' = 'blackhole'
);

INSERT INTO sink
SELECT auction, bidder, 0.908 * price AS price, `dateTime`, extra FROM bid;
