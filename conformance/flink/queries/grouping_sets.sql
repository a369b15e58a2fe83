-- Flink's GROUPING SETS example (queries/group-agg.md) over the reference bids: counts and totals
-- per channel and auction, per channel, and in all. A changelog, so the script ends in a SELECT:
-- its final rows are compared.
-- ${DATA_DIR} is substituted by the runner

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

SELECT channel, auction, COUNT(*) AS cnt, SUM(price) AS total
FROM bid
WHERE auction < 1004 AND channel IN ('Google', 'Baidu', 'Apple', 'Facebook')
GROUP BY GROUPING SETS ((channel, auction), (channel), ());
