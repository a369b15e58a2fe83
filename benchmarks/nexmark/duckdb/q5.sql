-- q5: bids per auction over HOP 10 s windows sliding by 2 s (each bid in the 5 windows that
-- hold it, windows aligned to the epoch), then the auctions at their window's highest count.
WITH hop AS (
    SELECT auction, (epoch_ms("dateTime") // 2000) * 2000 - k * 2000 AS starttime
    FROM bid CROSS JOIN range(5) AS r(k)
), auction_bids AS (
    SELECT auction, starttime, count(*) AS num FROM hop GROUP BY auction, starttime
), max_bids AS (
    SELECT starttime, max(num) AS maxn FROM auction_bids GROUP BY starttime
)
SELECT a.auction, a.num
FROM auction_bids a JOIN max_bids m ON a.starttime = m.starttime AND a.num >= m.maxn
