-- The bid table of csv/ alone: header-less bid CSV in ${DATA_DIR}/bid. run.sh puts it before
-- Nexmark's changelog queries over bids (q15 to q19, published/ unmodified, blackhole sinks: a
-- file sink takes no updates) to run them over the CSV file.

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
