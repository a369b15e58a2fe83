# The client story with psycopg2, which sends parameters as literals and wraps statements in
# transactions of its own.
import sys, time

import psycopg2

port, prefix = int(sys.argv[1]), sys.argv[2]
clicks, counts = f"{prefix}_clicks", f"{prefix}_counts"

conn = psycopg2.connect(host="127.0.0.1", port=port, user="story", dbname="rivulet")
cur = conn.cursor()
cur.execute("SELECT 1")
print("connected", cur.fetchone()[0])
cur.execute(f"CREATE STREAM {clicks} (user_id BIGINT, page VARCHAR)")
cur.executemany(f"INSERT INTO {clicks} (user_id, page) VALUES (%s, %s)", [(1, "home"), (2, "cart"), (1, "home"), (3, "home")])
conn.commit()
cur.execute(f"SELECT COUNT(*) FROM {clicks}")
print("inserted", cur.fetchone()[0])
cur.execute(f"CREATE TABLE {counts} AS SELECT page, COUNT(*) AS n FROM {clicks} GROUP BY page")
conn.commit()
deadline = time.monotonic() + 20
while True:
    cur.execute(f"SELECT n FROM {counts} WHERE page = %s", ("home",))
    if (row := cur.fetchone()) == (3,):
        break
    if time.monotonic() > deadline:
        sys.exit(f"the table counted {row} home clicks, not 3, within 20 s")
    time.sleep(0.05)
print("pull", row[0])
cur.execute(f"SELECT user_id, page FROM {clicks} EMIT CHANGES LIMIT 2")
print("push", cur.fetchall())
try:
    cur.execute(f"SELECT * FROM {prefix}_missing")
except psycopg2.Error as error:
    print("error", error.pgcode)
    conn.rollback()
conn.close()
print("closed")
