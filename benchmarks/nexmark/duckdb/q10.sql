-- q10: every bid with its day and minute (one CSV file; Nexmark's sink partitions by them)
SELECT auction, bidder, price, "dateTime", extra,
       strftime("dateTime", '%Y-%m-%d') AS dt, strftime("dateTime", '%H:%M') AS hm
FROM bid
