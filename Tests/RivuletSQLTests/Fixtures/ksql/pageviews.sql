-- A ksqlDB-style script: streams over Kafka topics, windows, joins, push queries.
/* Sources
   are declared first. */
SET 'auto.offset.reset' = 'earliest';

CREATE STREAM pageviews (
    viewtime BIGINT,
    userid VARCHAR KEY,
    pageid VARCHAR
) WITH (KAFKA_TOPIC = 'pageviews', VALUE_FORMAT = 'JSON', PARTITIONS = 1, TIMESTAMP = 'viewtime');

CREATE TABLE users (
    userid VARCHAR PRIMARY KEY,
    registertime BIGINT,
    gender VARCHAR,
    regionid VARCHAR
) WITH (kafka_topic = 'users', value_format = 'JSON');

CREATE STREAM pageviews_female AS
    SELECT users.userid AS userid, pageid, regionid, gender
    FROM pageviews
    LEFT JOIN users ON pageviews.userid = users.userid
    WHERE gender = 'FEMALE'
    EMIT CHANGES;

CREATE TABLE pageviews_per_region WITH (KAFKA_TOPIC = 'pv_region', KEY_FORMAT = 'JSON') AS
    SELECT regionid, COUNT(*) AS numusers
    FROM pageviews_female
    WINDOW TUMBLING (SIZE 30 SECONDS, GRACE PERIOD 2 SECONDS)
    GROUP BY regionid
    HAVING COUNT(*) > 1
    EMIT CHANGES;

CREATE TABLE hopping_counts AS
    SELECT pageid, COUNT(*) AS views, WINDOWSTART AS ws, WINDOWEND AS we
    FROM pageviews
    WINDOW HOPPING (SIZE 1 MINUTE, ADVANCE BY 10 SECONDS)
    GROUP BY pageid;

CREATE TABLE sessions AS
    SELECT userid, COUNT(*) AS clicks
    FROM pageviews
    WINDOW SESSION (5 MINUTES, GRACE PERIOD 500 MILLISECONDS)
    GROUP BY userid
    EMIT FINAL;

CREATE STREAM clicks_with_orders AS
    SELECT p.userid, p.pageid, o.orderid
    FROM pageviews p
    JOIN orders o WITHIN (1 SECOND, 2 MINUTES) ON p.userid = o.userid
    PARTITION BY p.pageid;

INSERT INTO pageviews (viewtime, userid, pageid) VALUES (1, 'u1', 'p1'), (2, 'u2', 'p2');

SELECT * FROM pageviews_per_region WHERE regionid = 'Region_1';  -- a pull query
SELECT pageid, userid FROM pageviews EMIT CHANGES LIMIT 3;

SHOW STREAMS;
LIST TABLES;
SHOW QUERIES;
DESCRIBE pageviews EXTENDED;
DESCRIBE STREAM pageviews;
EXPLAIN CSAS_PAGEVIEWS_FEMALE_1;
TERMINATE CSAS_PAGEVIEWS_FEMALE_1;
DROP STREAM IF EXISTS pageviews_female DELETE TOPIC;
DROP TABLE users
