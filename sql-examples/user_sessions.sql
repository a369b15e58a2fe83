-- User sessions, ksqlDB style: clicks of one user belong to the same session while they come
-- less than 5 minutes apart. Prints one row per session once it has closed.
--
--   rivulet run sql-examples/user_sessions.sql
--
-- Expect three sessions for each of alice, bob and carol (each user clicks in three bursts
-- separated by 6 to 20 idle minutes); WINDOWSTART/WINDOWEND are the first and last click of the
-- session (ksqlDB's inclusive session end, in epoch milliseconds), and the click counts sum to 38.

CREATE STREAM clicks (
  user_id VARCHAR,
  url VARCHAR,
  ts TIMESTAMP(3)
) WITH (
  connector = 'file',
  path = 'data/clicks.csv',
  format = 'csv',
  TIMESTAMP = 'ts'
);

SELECT user_id, WINDOWSTART AS session_start, WINDOWEND AS session_end, COUNT(*) AS clicks
FROM clicks
WINDOW SESSION (5 MINUTES)
GROUP BY user_id
EMIT FINAL;
