-- Regular expressions as Flink's REGEXP_EXTRACT (group 0 by default; no match, a group that did not
-- take part or a group past the pattern's give NULL), REGEXP_REPLACE (every match, the replacement taken as written: `$2$1` stays)
-- and REGEXP, over the bids' urls and extras
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
  whole VARCHAR,
  query_value VARCHAR,
  optional_group VARCHAR,
  past_last_group VARCHAR,
  no_match VARCHAR,
  masked VARCHAR,
  swapped VARCHAR,
  vowels_first BOOLEAN,
  has_channel BOOLEAN
) WITH (
  'connector' = 'filesystem',
  'path' = '${SINK_DIR}',
  'format' = 'csv'
);

INSERT INTO sink
SELECT
    auction,
    REGEXP_EXTRACT(url, 'item\.htm\?query=[0-9]+'),
    REGEXP_EXTRACT(url, 'query=([0-9]+)', 1),
    REGEXP_EXTRACT(url, 'query=1(&channel_id=)?', 1),
    REGEXP_EXTRACT(url, 'query=([0-9]+)', 2),
    REGEXP_EXTRACT(extra, 'zzz(.)', 1),
    REGEXP_REPLACE(extra, '[aeiou]', '*'),
    REGEXP_REPLACE(extra, '^(.)(.)', '$2$1'),
    REGEXP(extra, '^[aeiou]'),
    REGEXP(url, 'channel_id=[0-9]+$')
FROM bid
WHERE MOD(auction, 7) = 0;
