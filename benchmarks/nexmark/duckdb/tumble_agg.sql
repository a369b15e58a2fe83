-- tumble_agg: COUNT/SUM/AVG/MIN/MAX of bid price per auction per 10 s TUMBLE window (AVG of a
-- BIGINT truncated toward zero, as Flink's)
SELECT auction, epoch_ms(w * 10000) AS window_start, epoch_ms((w + 1) * 10000) AS window_end,
       count(*) AS cnt, sum(price) AS sum_price, CAST(trunc(avg(price)) AS BIGINT) AS avg_price,
       avg(CAST(price AS DOUBLE)) AS avg_d, min(price) AS min_price, max(price) AS max_price
FROM (SELECT auction, price, epoch_ms("dateTime") // 10000 AS w FROM bid)
GROUP BY auction, w
