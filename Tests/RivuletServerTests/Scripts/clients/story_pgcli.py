# The client story with pgcli: statements through the pgcli command (-c), its completion
# metadata (schemas, tables and columns read from the catalog) and a failing statement through
# pgcli's own executor, whose error carries the SQLSTATE (the command prints only the message).
#
# After a statement that changes the catalog (CREATE ...), `pgcli -c` starts its completion
# refresh on a daemon thread and exits while that thread may still be querying, which at times
# prints a half traceback as the interpreter shuts down. So the CREATE statements go through
# pgcli's executor, and the refreshes pgcli runs (schemata, tables and their columns, views,
# functions, types, databases) are run here to their end, where a catalog query Rivulet cannot
# answer fails the story. One it cannot answer yet (README, clients): foreign keys
# (`unnest(confkey)` in a subquery in FROM correlated with the outer query).
import os, subprocess, sys, time

from pgcli.completion_refresher import CompletionRefresher
from pgcli.pgcompleter import PGCompleter
from pgcli.pgexecute import PGExecute

port, prefix = sys.argv[1], sys.argv[2]
clicks, counts = f"{prefix}_clicks", f"{prefix}_counts"


def pgcli(*commands):
    arguments = ["pgcli", "-h", "127.0.0.1", "-p", port, "-U", "story", "-w", "--less-chatty", "-t"]
    for command in commands:
        arguments += ["-c", command]
    done = subprocess.run(arguments + ["rivulet"], capture_output=True, text=True, timeout=60,
                          env=dict(os.environ, TZ="UTC"))
    if done.returncode != 0 or done.stderr:
        sys.exit(f"pgcli failed ({done.returncode}): {done.stderr}")
    return done.stdout.split()


print("connected", *pgcli("SELECT 1"))
executor = PGExecute("rivulet", "story", None, "127.0.0.1", int(port))
list(executor.run(f"CREATE STREAM {clicks} (user_id BIGINT, page VARCHAR)"))
inserts = [f"INSERT INTO {clicks} (user_id, page) VALUES ({user_id}, '{page}')"
           for user_id, page in [(1, "home"), (2, "cart"), (1, "home"), (3, "home")]]
pgcli(*inserts)
print("inserted", *pgcli(f"SELECT COUNT(*) FROM {clicks}"))
list(executor.run(f"CREATE TABLE {counts} AS SELECT page, COUNT(*) AS n FROM {clicks} GROUP BY page"))
deadline = time.monotonic() + 20
while (n := pgcli(f"SELECT n FROM {counts} WHERE page = 'home'")) != ["3"]:
    if time.monotonic() > deadline:
        sys.exit(f"the table counted {n} home clicks, not 3, within 20 s")
    time.sleep(0.05)
print("pull", *n)
words = pgcli(f"SELECT user_id, page FROM {clicks} EMIT CHANGES LIMIT 2")
print("push", [(int(words[i]), words[i + 1]) for i in range(0, len(words), 2)])
completer = PGCompleter(smart_completion=True)
for name, refresh in CompletionRefresher.refreshers.items():
    if name == "tables":
        completer.extend_relations(executor.tables(), kind="tables")
        completer.extend_columns(executor.table_columns(), kind="tables")
    else:
        refresh(completer, executor)
print("completion", [t for t in executor.tables() if t[1].startswith(prefix)],
      [c[:4] for c in executor.table_columns() if c[1] == counts])
print("functions", sorted((f.func_name, f.return_type, f.is_aggregate) for f in executor.functions()
                          if f.func_name in ("upper", "count", "tumble")))
try:
    list(executor.run(f"SELECT * FROM {prefix}_missing"))
except Exception as error:
    print("error", error.sqlstate)
executor.conn.close()
print("closed")
