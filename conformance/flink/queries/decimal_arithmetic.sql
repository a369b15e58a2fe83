-- DECIMAL arithmetic as Flink types it: every result keeps the digits its operands can give, up
-- to 38 (DECIMAL(10, 2) / 3 is DECIMAL(21, 13), 0.908 * a BIGINT is DECIMAL(23, 3)); past 38 the
-- whole digits stay and the fraction is cut to no fewer than 6 digits. Each result is written as
-- text, so its digits show the scale it was given.
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
  auction BIGINT,
  price BIGINT,
  third VARCHAR,
  discounted VARCHAR,
  squared VARCHAR,
  seventh VARCHAR,
  nudged VARCHAR,
  as_double DOUBLE,
  remainder VARCHAR,
  rounded VARCHAR,
  floored VARCHAR,
  negated VARCHAR,
  beyond_bigint VARCHAR,
  is_large BOOLEAN
) WITH (
  'connector' = 'filesystem',
  'path' = '${SINK_DIR}',
  'format' = 'csv'
);

INSERT INTO sink
SELECT
    auction,
    price,
    CAST(CAST(price AS DECIMAL(10, 2)) / 3 AS VARCHAR),
    CAST(0.908 * price AS VARCHAR),
    CAST(CAST(price AS DECIMAL(20, 4)) * CAST(price AS DECIMAL(20, 4)) * 1000000000 AS VARCHAR),
    CAST(CAST(price AS DECIMAL(30, 10)) / 7 AS VARCHAR),
    CAST(CAST(price AS DECIMAL(38, 18)) + 0.000000000000000001 AS VARCHAR),
    CAST(CAST(price AS DECIMAL(30, 12)) / 3 AS DOUBLE),
    CAST(MOD(CAST(price AS DECIMAL(25, 5)) * 1000000000000, 7) AS VARCHAR),
    CAST(ROUND(CAST(price AS DECIMAL(30, 10)) / 7, 4) AS VARCHAR),
    CAST(FLOOR(CAST(price AS DECIMAL(30, 10)) / 7) AS VARCHAR),
    CAST(-(CAST(price AS DECIMAL(30, 10)) / 7) AS VARCHAR),
    CAST(price * CAST('10000000000000000000' AS DECIMAL(21, 0)) AS VARCHAR),
    CAST(price AS DECIMAL(30, 2)) * 1000000000000 > CAST('12345678901234567890.5' AS DECIMAL(21, 1))
FROM bid
WHERE MOD(auction, 23) = 0;
