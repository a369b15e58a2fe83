#!/usr/bin/env bash
# The client story with psql. psql 15 has no \bind: values go through psql variables, which it
# splices into the statement as quoted literals (:'page') before sending it.
set -euo pipefail
port=$1 prefix=$2
run() { psql -X -q -h 127.0.0.1 -p "$port" -U story -d rivulet -At -v ON_ERROR_STOP=1 "$@"; }

echo "connected $(run -c 'SELECT 1')"
run -c "CREATE STREAM ${prefix}_clicks (user_id BIGINT, page VARCHAR)"
for row in "1 home" "2 cart" "1 home" "3 home"; do
    set -- $row
    echo "INSERT INTO ${prefix}_clicks (user_id, page) VALUES (:user_id, :'page')" | run -v user_id="$1" -v page="$2"
done
echo "inserted $(run -c "SELECT COUNT(*) FROM ${prefix}_clicks")"
run -c "CREATE TABLE ${prefix}_counts AS SELECT page, COUNT(*) AS n FROM ${prefix}_clicks GROUP BY page" > /dev/null
deadline=$((SECONDS + 20))
until [ "$(echo "SELECT n FROM ${prefix}_counts WHERE page = :'page'" | run -v page=home)" = 3 ]; do
    if [ "$SECONDS" -gt "$deadline" ]; then echo "the table did not count 3 home clicks within 20 s" >&2; exit 1; fi
    sleep 0.05
done
echo "pull 3"
rows=""
while read -r user_id page; do
    rows+="${rows:+, }($user_id, '$page')"
done < <(run -F ' ' -c "SELECT user_id, page FROM ${prefix}_clicks EMIT CHANGES LIMIT 2")
echo "push [$rows]"
error=$(run -c '\set VERBOSITY verbose' -c "SELECT * FROM ${prefix}_missing" 2>&1 >/dev/null || true)
echo "error $(echo "$error" | sed -n 's/^ERROR:  \([0-9A-Z]\{5\}\):.*/\1/p')"
echo "closed"
