-- q0: passthrough of bids
SELECT auction, bidder, price, "dateTime", extra FROM bid
