#!/bin/sh
# Changes per second from an update-heavy pgbench run through postgres-cdc -> GROUP BY -> SQLite.
#
#   benchmarks/cdc/run.sh [RIVULET_BINARY] [SECONDS] [SCALE] [CLIENTS]
#
# Starts a throwaway Postgres (wal_level = logical; fsync and synchronous_commit off, so that
# Postgres is not the bottleneck) on a free port, loads `pgbench -i -s SCALE`
# (100 000 accounts per scale), starts `rivulet run pgbench.sql` (snapshot of pgbench_accounts,
# then its changes, summed per branch into SQLite) and waits until the sink holds the branches'
# balances; then runs `pgbench -N -T SECONDS -c CLIENTS` (each transaction updates one account:
# -N leaves tellers and branches alone) and waits until the sink again equals
#   SELECT bid, sum(abalance), count(*) FROM pgbench_accounts GROUP BY bid.
# Changes/s = account updates pgbench committed / seconds from pgbench's start until the sink
# caught up. When Rivulet keeps pace that is pgbench's own rate (then "lag at end" is small);
# when it does not, it is Rivulet's. Needs Debian's postgresql (server and pgbench), sqlite3 and python3.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
rivulet=${1:-$here/../../.build/release/rivulet}
seconds=${2:-30}
scale=${3:-1}
clients=${4:-2}
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
work=$(mktemp -d /tmp/rivulet-cdc-bench-XXXXXX)
chmod 777 "$work"
calc() { awk "BEGIN { printf \"%.1f\", $1 }"; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cleanup() {
  [ -n "${run_pid:-}" ] && kill "$run_pid" 2>/dev/null || true
  as_pg "$bin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
as_pg "$bin/initdb" -D "$work/pg" -A trust -U rivulet -E UTF8 --no-sync >/dev/null
as_pg "$bin/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w \
  -o "-p $port -k /tmp -c listen_addresses=127.0.0.1 -c wal_level=logical -c max_wal_size=4GB -c fsync=off -c synchronous_commit=off" start >/dev/null
pg="psql -X -q -A -t -h 127.0.0.1 -p $port -U rivulet -d postgres"
pgbench -i -q -s "$scale" -h 127.0.0.1 -p "$port" -U rivulet postgres >/dev/null 2>&1
expected() { $pg -c "SELECT bid, sum(abalance), count(*) FROM pgbench_accounts GROUP BY bid ORDER BY bid"; }
sink() { sqlite3 -separator '|' "$work/sink.db" "SELECT bid, balance, accounts FROM branch_balances ORDER BY bid" 2>/dev/null || true; }
wait_caught_up() {
  want=$(expected)
  while [ "$(sink)" != "$want" ]; do
    kill -0 "$run_pid" 2>/dev/null || { echo "rivulet run stopped:" >&2; cat "$work/run.log" >&2; exit 1; }
    sleep 0.1
  done
}
PGPORT=$port SINK=$work/sink.db "$rivulet" run "$here/pgbench.sql" --data-dir "$work/data" --checkpoint-interval '1 s' >"$work/run.log" 2>&1 &
run_pid=$!
start=$(date +%s.%N)
wait_caught_up
snapshot=$(calc "$(date +%s.%N) - $start")
rows=$($pg -c "SELECT count(*) FROM pgbench_accounts")
before=$($pg -c "SELECT count(*) FROM pgbench_history")
start=$(date +%s.%N)
pgbench -N -n -T "$seconds" -c "$clients" -h 127.0.0.1 -p "$port" -U rivulet postgres >"$work/pgbench.log" 2>&1
pgbench_end=$(date +%s.%N)
wait_caught_up
end=$(date +%s.%N)
updates=$(( $($pg -c "SELECT count(*) FROM pgbench_history") - before ))
elapsed=$(calc "$end - $start")
pgbench_elapsed=$(calc "$pgbench_end - $start")
echo "snapshot: $rows accounts in ${snapshot}s"
echo "pgbench -N -T $seconds -c $clients: $updates account updates in ${pgbench_elapsed}s ($(calc "$updates / $pgbench_elapsed") tps)"
echo "caught up ${elapsed}s after pgbench started (lag at end $(calc "$end - $pgbench_end")s)"
echo "changes/s: $(calc "$updates / $elapsed")"
