-- Page views per page and minute, from a CSV of clicks, into a SQLite table.
--
--   rivulet run sql-examples/pageviews_per_minute.sql
--   sqlite3 -header -column sql-examples/out/pageviews.db 'SELECT * FROM pageviews_per_minute ORDER BY window_start, page'
--
-- Expect one row per (page, minute) for 09:00 .. 09:02 on 2024-05-01: four pages, the minute
-- windows [09:00, 09:01), [09:01, 09:02), ..., and views summing to 240 (every input row, none late:
-- rows arrive at most 3 s out of order and the watermark allows 5 s).

CREATE TABLE pageviews (
  user_id VARCHAR,
  page VARCHAR,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH (
  'connector' = 'filesystem',
  'path' = 'data/pageviews.csv',
  'format' = 'csv'
);

CREATE TABLE pageviews_per_minute (
  page VARCHAR,
  window_start TIMESTAMP(3),
  window_end TIMESTAMP(3),
  views BIGINT,
  visitors BIGINT,
  PRIMARY KEY (page, window_start) NOT ENFORCED
) WITH (
  'connector' = 'sqlite',
  'path' = 'out/pageviews.db',
  'table' = 'pageviews_per_minute'
);

INSERT INTO pageviews_per_minute
SELECT page, window_start, window_end, COUNT(*) AS views, COUNT(DISTINCT user_id) AS visitors
FROM TABLE(TUMBLE(TABLE pageviews, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
GROUP BY page, window_start, window_end;
