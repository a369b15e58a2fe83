-- q11: bids per bidder session with a 10 s gap. As in Flink, a bid at most 10 s after the
-- session's last one extends it (the windows [t, t + 10 s) touch and merge).
WITH marked AS (
    SELECT bidder, "dateTime",
           CASE WHEN "dateTime" - lag("dateTime") OVER (PARTITION BY bidder ORDER BY "dateTime")
                     <= INTERVAL 10 SECOND THEN 0 ELSE 1 END AS starts
    FROM bid
), sessions AS (
    SELECT bidder, "dateTime",
           sum(starts) OVER (PARTITION BY bidder ORDER BY "dateTime" ROWS UNBOUNDED PRECEDING) AS session
    FROM marked
)
SELECT bidder, count(*) AS bid_count, min("dateTime") AS starttime,
       max("dateTime") + INTERVAL 10 SECOND AS endtime
FROM sessions GROUP BY bidder, session
