-- q2: selection (Nexmark q2): bids on auctions whose id is a multiple of 123
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
  price BIGINT
) WITH (
  'connector' = 'blackhole'
);

INSERT INTO sink
SELECT auction, price FROM bid WHERE MOD(auction, 123) = 0;
