-- q7: the bids carrying the highest price of each 10 s TUMBLE window (ends exclusive, aligned to
-- the epoch), joined back as Nexmark writes it: price equal, bid time within [end - 10 s, end].
WITH windows AS (
    SELECT max(price) AS maxprice, epoch_ms((epoch_ms("dateTime") // 10000 + 1) * 10000) AS window_end
    FROM bid GROUP BY epoch_ms("dateTime") // 10000
)
SELECT b.auction, b.price, b.bidder, b."dateTime", b.extra
FROM bid b JOIN windows w ON b.price = w.maxprice
WHERE b."dateTime" BETWEEN w.window_end - INTERVAL 10 SECOND AND w.window_end
