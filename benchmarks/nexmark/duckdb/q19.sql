-- q19: the 10 highest bids of each auction (the final table; Flink's is a changelog)
SELECT *
FROM (SELECT *, row_number() OVER (PARTITION BY auction ORDER BY price DESC) AS rank_number FROM bid)
WHERE rank_number <= 10
