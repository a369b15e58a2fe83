#!/usr/bin/env python3
"""Runs one query of benchmarks/nexmark/duckdb/ on DuckDB over the bid CSV, as a batch engine would.

    python3 duckdb_run.py duckdb/q7.sql --data /tmp/rivulet-nexmark-5m --out /tmp/out

`bid` is a view over read_csv of DATA/bid/*.csv with the bid columns (so a query that reads bids
twice parses the file twice, as the streaming engines do); the query's rows are written with
`COPY (query) TO 'OUT/part-0.csv'`. DuckDB runs on 2 threads. Prints one line of JSON:
  seconds      wall time of the COPY (reading, computing and writing; the import excluded);
  rows_out     rows written, as COPY reports them;
  peak_rss_kb  the process's maximum resident set size (Python included).
"""
import argparse
import json
import os
import resource
import time

BID_COLUMNS = (
    "{'auction': 'BIGINT', 'bidder': 'BIGINT', 'price': 'BIGINT', 'channel': 'VARCHAR', "
    "'url': 'VARCHAR', 'dateTime': 'TIMESTAMP', 'extra': 'VARCHAR'}"
)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("query")
    parser.add_argument("--data", required=True, help="the folder holding bid/*.csv")
    parser.add_argument("--out", required=True, help="the folder to write part-0.csv into")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    import duckdb

    query = "\n".join(line for line in open(args.query).read().split("\n") if not line.lstrip().startswith("--"))
    os.makedirs(args.out, exist_ok=True)
    con = duckdb.connect()
    con.execute(f"SET threads = {args.threads}")
    source = os.path.join(args.data, "bid", "*.csv").replace("'", "''")
    con.execute(
        f"CREATE VIEW bid AS SELECT * FROM read_csv('{source}', header = false, delim = ',', "
        f"quote = '', columns = {BID_COLUMNS}, timestampformat = '%Y-%m-%d %H:%M:%S.%g')"
    )
    target = os.path.join(args.out, "part-0.csv").replace("'", "''")
    started = time.monotonic()
    rows = con.execute(f"COPY ({query.strip().rstrip(';')}) TO '{target}' (HEADER false)").fetchone()[0]
    seconds = time.monotonic() - started
    print(json.dumps({
        "query": args.query,
        "seconds": round(seconds, 3),
        "rows_out": rows,
        "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }))


if __name__ == "__main__":
    main()
