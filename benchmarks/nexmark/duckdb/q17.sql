-- q17: bids and prices per auction and day (the final table; Flink's is a changelog; AVG of a
-- BIGINT truncated toward zero, as Flink's)
SELECT auction, strftime("dateTime", '%Y-%m-%d') AS day,
       count(*) AS total_bids,
       count(*) FILTER (WHERE price < 10000) AS rank1_bids,
       count(*) FILTER (WHERE price >= 10000 AND price < 1000000) AS rank2_bids,
       count(*) FILTER (WHERE price >= 1000000) AS rank3_bids,
       min(price) AS min_price, max(price) AS max_price, CAST(trunc(avg(price)) AS BIGINT) AS avg_price,
       sum(price) AS sum_price
FROM bid
GROUP BY auction, strftime("dateTime", '%Y-%m-%d')
