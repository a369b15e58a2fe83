-- q7: highest bid price per 10 s TUMBLE window (Nexmark q7, aggregation only)
-- Flink's input: header-less bid CSV in ${DATA_DIR}/bid, written as CSV part files to ${SINK_DIR}.

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
  window_start TIMESTAMP(3),
  window_end TIMESTAMP(3),
  maxprice BIGINT,
  num BIGINT
) WITH (
  'connector' = 'filesystem',
  'path' = '${SINK_DIR}',
  'format' = 'csv'
);

INSERT INTO sink
SELECT window_start, window_end, MAX(price) AS maxprice, COUNT(*) AS num
FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(`dateTime`), INTERVAL '10' SECOND))
GROUP BY window_start, window_end;
