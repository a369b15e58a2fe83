-- q18: each bidder's latest bid on each auction (the final table; Flink's is a changelog)
SELECT auction, bidder, price, channel, url, "dateTime", extra
FROM bid
QUALIFY row_number() OVER (PARTITION BY bidder, auction ORDER BY "dateTime" DESC) <= 1
