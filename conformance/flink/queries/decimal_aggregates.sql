-- Aggregates of DECIMALs as Flink types them: SUM is DECIMAL(38, s), AVG DECIMAL(38, max(s, 6))
-- rounded half up, MIN and MAX keep the argument's type; here over values wider than 18
-- digits, grouped by a DECIMAL key of more than 18 digits, in 10-second windows.
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
  bucket VARCHAR,
  window_start TIMESTAMP(3),
  bids BIGINT,
  total VARCHAR,
  mean VARCHAR,
  lowest VARCHAR,
  highest VARCHAR,
  mean_price VARCHAR
) WITH (
  'connector' = 'filesystem',
  'path' = '${SINK_DIR}',
  'format' = 'csv'
);

CREATE VIEW widened AS
SELECT
    CAST(MOD(auction, 4) AS DECIMAL(30, 10)) * CAST('1000000000000' AS DECIMAL(20, 0)) AS bucket,
    CAST(price AS DECIMAL(30, 8)) * CAST('100000000000' AS DECIMAL(20, 0)) AS wide,
    price,
    `dateTime`
FROM bid;

INSERT INTO sink
SELECT
    CAST(bucket AS VARCHAR),
    window_start,
    COUNT(*),
    CAST(SUM(wide) AS VARCHAR),
    CAST(AVG(wide) AS VARCHAR),
    CAST(MIN(wide) AS VARCHAR),
    CAST(MAX(wide) AS VARCHAR),
    CAST(AVG(CAST(price AS DECIMAL(12, 2))) AS VARCHAR)
FROM TABLE(TUMBLE(TABLE widened, DESCRIPTOR(`dateTime`), INTERVAL '10' SECOND))
GROUP BY bucket, window_start, window_end;
