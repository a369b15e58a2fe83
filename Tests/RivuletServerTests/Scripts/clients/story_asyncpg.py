# The client story with asyncpg: parameters typed by the server (its Parse/Describe), binary
# parameter and result formats, prepared statements, a cursor over a push query.
import asyncio, sys

import asyncpg

port, prefix = int(sys.argv[1]), sys.argv[2]
clicks, counts = f"{prefix}_clicks", f"{prefix}_counts"


async def main():
    conn = await asyncpg.connect(host="127.0.0.1", port=port, user="story", database="rivulet")
    print("connected", await conn.fetchval("SELECT 1"))
    await conn.execute(f"CREATE STREAM {clicks} (user_id BIGINT, page VARCHAR)")
    insert = await conn.prepare(f"INSERT INTO {clicks} (user_id, page) VALUES ($1, $2)")
    for user_id, page in [(1, "home"), (2, "cart"), (1, "home"), (3, "home")]:
        await insert.fetch(user_id, page)
    print("inserted", await conn.fetchval(f"SELECT COUNT(*) FROM {clicks}"))
    await conn.execute(f"CREATE TABLE {counts} AS SELECT page, COUNT(*) AS n FROM {clicks} GROUP BY page")
    pull = await conn.prepare(f"SELECT n FROM {counts} WHERE page = $1")
    deadline = asyncio.get_running_loop().time() + 20
    while (n := await pull.fetchval("home")) != 3:
        if asyncio.get_running_loop().time() > deadline:
            sys.exit(f"the table counted {n} home clicks, not 3, within 20 s")
        await asyncio.sleep(0.05)
    print("pull", n)
    rows = await conn.fetch(f"SELECT user_id, page FROM {clicks} EMIT CHANGES LIMIT 2")
    print("push", [tuple(row) for row in rows])
    try:
        await conn.fetch(f"SELECT * FROM {prefix}_missing")
    except asyncpg.PostgresError as error:
        print("error", error.sqlstate)
    await conn.close()
    print("closed")


asyncio.run(main())
