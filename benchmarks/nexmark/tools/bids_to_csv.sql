-- The bids of ${EVENTS} generated Nexmark events written as header-less CSV part files into
-- ${DATA_DIR}/bid: the same layout as Flink's benchmark input, for running csv/ queries without
-- the reference generator (run.sh --check and the equivalence tests use it).

CREATE TABLE bid (
  auction BIGINT,
  bidder BIGINT,
  price BIGINT,
  channel VARCHAR,
  url VARCHAR,
  `dateTime` TIMESTAMP(3),
  extra VARCHAR
) WITH (
  'connector' = 'nexmark',
  'kind' = 'bid',
  'seed' = '42',
  'events' = '${EVENTS}'
);

CREATE TABLE bid_csv (
  auction BIGINT,
  bidder BIGINT,
  price BIGINT,
  channel VARCHAR,
  url VARCHAR,
  `dateTime` TIMESTAMP(3),
  extra VARCHAR
) WITH (
  'connector' = 'filesystem',
  'path' = '${DATA_DIR}/bid',
  'format' = 'csv'
);

INSERT INTO bid_csv SELECT * FROM bid;
