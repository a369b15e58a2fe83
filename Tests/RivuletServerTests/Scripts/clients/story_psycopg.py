# The client story with psycopg 3: binary parameters and results, server-side prepared
# statements (prepare=True), a server-side cursor over a push query.
import sys, time

import psycopg

port, prefix = int(sys.argv[1]), sys.argv[2]
clicks, counts = f"{prefix}_clicks", f"{prefix}_counts"

conn = psycopg.connect(host="127.0.0.1", port=port, user="story", dbname="rivulet", autocommit=True)
print("connected", conn.execute("SELECT 1").fetchone()[0])
conn.execute(f"CREATE STREAM {clicks} (user_id BIGINT, page VARCHAR)")
with conn.cursor(binary=True) as cur:
    for user_id, page in [(1, "home"), (2, "cart"), (1, "home"), (3, "home")]:
        cur.execute(f"INSERT INTO {clicks} (user_id, page) VALUES (%s, %s)", (user_id, page), prepare=True)
print("inserted", conn.execute(f"SELECT COUNT(*) FROM {clicks}").fetchone()[0])
conn.execute(f"CREATE TABLE {counts} AS SELECT page, COUNT(*) AS n FROM {clicks} GROUP BY page")
deadline = time.monotonic() + 20
with conn.cursor(binary=True) as cur:
    while (row := cur.execute(f"SELECT n FROM {counts} WHERE page = %s", ("home",), prepare=True).fetchone()) != (3,):
        if time.monotonic() > deadline:
            sys.exit(f"the table counted {row} home clicks, not 3, within 20 s")
        time.sleep(0.05)
print("pull", row[0])
rows = conn.execute(f"SELECT user_id, page FROM {clicks} EMIT CHANGES LIMIT 2").fetchall()
print("push", rows)
try:
    conn.execute(f"SELECT * FROM {prefix}_missing")
except psycopg.Error as error:
    print("error", error.sqlstate)
conn.close()
print("closed")
