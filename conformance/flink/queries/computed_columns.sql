-- computed columns: a converted price, a derived event time carrying the watermark, and a
-- computed column in the sink, which Flink does not write (the query fills the stored columns).
-- ${DATA_DIR} / ${SINK_DIR} are substituted by the runner

CREATE TABLE bid (
  auction BIGINT,
  bidder BIGINT,
  price BIGINT,
  channel VARCHAR,
  url VARCHAR,
  `dateTime` TIMESTAMP(3),
  extra VARCHAR,
  price_eur AS CAST(price AS DOUBLE) * 0.908,
  channel_upper AS UPPER(channel),
  bid_time AS `dateTime` + INTERVAL '1' HOUR,
  WATERMARK FOR bid_time AS bid_time - INTERVAL '4' SECOND
) WITH (
  'connector' = 'filesystem',
  'path' = '${DATA_DIR}/bid',
  'format' = 'csv'
);

CREATE TABLE sink (
  auction BIGINT,
  window_start TIMESTAMP(3),
  window_end TIMESTAMP(3),
  cnt BIGINT,
  cnt_twice AS cnt * 2,
  total_eur DOUBLE,
  first_channel VARCHAR
) WITH (
  'connector' = 'filesystem',
  'path' = '${SINK_DIR}',
  'format' = 'csv'
);

INSERT INTO sink
SELECT auction, window_start, window_end, COUNT(*) AS cnt, SUM(price_eur) AS total_eur,
       MIN(channel_upper) AS first_channel
FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(bid_time), INTERVAL '10' SECOND))
WHERE auction < 1010
GROUP BY auction, window_start, window_end;
