#!/usr/bin/env bash
# Nexmark benchmarks of `rivulet run`, with Flink and DuckDB measured in the same run:
#   published/  every query Nexmark publishes that Rivulet runs, over Nexmark's own DDL (ddl_gen.sql,
#               ddl_views.sql: the nexmark generator) into its own sink; the ones that do not run are
#               listed with the reason published/README.md gives;
#   csv/        the bid-only queries in Nexmark's text over a CSV `bid` table (the 5 M-bid CSV of docs
#               BENCHMARK.md), run by Rivulet, by Flink through PyFlink (flink_run.py: streaming,
#               parallelism 1, JVM start-up excluded) and, where duckdb/QUERY.sql expresses it as batch
#               SQL, by DuckDB on 2 threads (duckdb_run.py); each engine's rows out are reported.
#               Nexmark's changelog queries over bids (q15 to q19) run too, as published (blackhole
#               sinks) after tools/csv_bid.sql; their final rows are compared with DuckDB's.
# Rivulet is timed with /usr/bin/time -v: events/s = events / wall time of the whole process
# (start-up included), events/CPU-s = events / user + system time, peak memory = maximum RSS.
#
#   benchmarks/nexmark/run.sh            the full measurement, 3 runs each (needs PyFlink 2.3.0,
#                                        Java 17 and DuckDB: pip install apache-flink==2.3.0 duckdb);
#                                        replaces the generated section of BENCHMARKS.md (between its
#                                        run.sh markers; other sections are kept)
#   benchmarks/nexmark/run.sh --check    the regression guard (never timed, no Flink or DuckDB): every
#                                        query of generator/ on 1 M events (CI: --events 200000) and
#                                        every query of csv/ with a generator/ counterpart on their
#                                        bids written as CSV (q10, q21, q22: BatchEquivalenceTests), each run
#                                        twice, once as usual and once with one row per batch on one
#                                        thread (--batch-size 1 --single-thread); the two outputs must be
#                                        identical and the row counts as pinned below. Where the
#                                        reference folder exists, also compares Flink's scripts q0, q2,
#                                        q7 (its aggregation) and tumble_agg with Flink's rows. (--quick
#                                        is an alias.)
#
# Options: --runs N, --events N (generator events, default 10,000,000; 1,000,000 for --check),
# --data DIR (the CSV input; generated there by gen_nexmark.py when missing), --only "q0 q7" (a
# subset of either suite), --no-peers (Rivulet only), --output FILE (the file whose generated
# section is replaced, default BENCHMARKS.md; created from it when missing), --no-build.
# Environment: RIVULET_BIN to use a prebuilt binary, FLINK_REFERENCE for the reference folder.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
reference="${FLINK_REFERENCE:-$repo/../shared/flink-reference}"
[ -d "$reference" ] || reference=/work/shared/flink-reference

quick=0
runs=3
events=""
data="${NEXMARK_DATA:-/tmp/rivulet-nexmark-5m}"
only=""
build=1
peers=1
output=""
while [ $# -gt 0 ]; do
    case "$1" in
        --quick|--check) quick=1 ;;
        --runs) runs="$2"; shift ;;
        --events) events="$2"; shift ;;
        --data) data="$2"; shift ;;
        --only) only="$2"; shift ;;
        --no-build) build=0 ;;
        --no-peers) peers=0 ;;
        --output) output="$2"; shift ;;
        -h|--help) sed -n '2,35p' "$0"; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

queries=()
[ -n "$only" ] && read -r -a queries <<< "$only"
output="${output:-$repo/BENCHMARKS.md}"

# Rows in and out of each generator/ query over 200,000 (what CI runs) and 1,000,000 generated
# events, for --check (at other sizes only the outputs are compared). Rows in: bids (92%),
# auctions (6%), persons (2%) the query's sources read (a source read twice counts twice); rows
# out include every change of a changelog. They only change when the generator or a query's
# semantics do; update them deliberately. csv/ queries read the same bids and must give the same
# rows in and out as their generator/ counterparts (csv_counterpart; the same name otherwise).
declare -A pinned=(
    [200000:q0]="184000 184000" [200000:q1]="184000 184000" [200000:q2]="184000 1506"
    [200000:q3]="16000 1169" [200000:q4]="196000 99321" [200000:q5]="368000 14"
    [200000:q7]="184000 2" [200000:q7_join]="368000 2"
    [200000:q8]="16000 3076" [200000:q9]="196000 49668" [200000:q11]="184000 3928"
    [200000:q18]="184000 310160" [200000:q19]="184000 492721" [200000:tumble_agg]="184000 12069"
    [1000000:q0]="920000 920000" [1000000:q1]="920000 920000" [1000000:q2]="920000 6702"
    [1000000:q3]="80000 6126" [1000000:q5]="1840000 54"
    [1000000:q7]="920000 10" [1000000:q7_join]="1840000 10" [1000000:q8]="80000 15112"
    [1000000:q9]="980000 248236" [1000000:q11]="920000 19923" [1000000:q18]="920000 1547559"
    [1000000:tumble_agg]="920000 60710"
)
# csv/q7 is Nexmark's q7 (the highest bids, a join), generator/q7 its aggregation alone.
declare -A csv_counterpart=([q7]=q7_join)

bin="${RIVULET_BIN:-$repo/.build-bench/release/rivulet}"
if [ $build = 1 ] && [ -z "${RIVULET_BIN:-}" ]; then
    echo "building release binary" >&2
    (cd "$repo" && swift build -c release --scratch-path .build-bench --product rivulet >&2)
fi
[ -x "$bin" ] || { echo "no binary at $bin" >&2; exit 1; }

work="$(mktemp -d /tmp/rivulet-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT

# run_once SQL [DEFINES...] -> prints "rows_in rows_out seconds rss_kb cpu_seconds state_rows"
run_once() {
    local sql="$1"; shift
    local sink="$work/sink"
    rm -rf "$sink"
    local log="$work/time.log" out="$work/run.log"
    if ! /usr/bin/time -v -o "$log" "$bin" run "$sql" -D "SINK_DIR=$sink" "$@" >"$out" 2>&1; then
        echo "FAILED: $bin run $sql $*" >&2
        cat "$out" >&2
        return 1
    fi
    local rows_in rows_out wall rss
    rows_in=$(sed -n 's/.*rows in \([0-9]*\),.*/\1/p' "$out" | tail -1)
    rows_out=$(sed -n 's/.*rows out \([0-9]*\),.*/\1/p' "$out" | tail -1)
    wall=$(sed -n 's/.*Elapsed (wall clock) time.*: //p' "$log" | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$log")
    cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { print s }' "$log")
    state=$(sed -n 's/.*, state \([0-9]*\),.*/\1/p' "$out" | tail -1)
    echo "$rows_in $rows_out $wall $rss $cpu ${state:-0}"
}

machine() {
    local cpu mem
    cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
    mem=$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
    echo "$(nproc) CPUs ($cpu), $mem RAM, $(uname -sr)"
}

if [ $quick = 1 ]; then
    events="${events:-1000000}"
    failures=0
    # run_both NAME SQL OUTPUT_KIND DEFINES... : runs SQL as usual and with one row per batch on one
    # thread; prints the counts and whether the two outputs are identical. OUTPUT_KIND is `stdout`
    # (a print sink) or `sink` (the part files in SINK_DIR, concatenated in name order; q10 writes
    # its partitioned files under NEXMARK_DIR, the same folder).
    run_both() {
        local name="$1" sql="$2" kind="$3"; shift 3
        local digests=() counts=() mode
        for mode in fast single; do
            local extra=()
            [ $mode = single ] && extra=(--batch-size 1 --single-thread)
            local start=$SECONDS
            if ! "$bin" run "$sql" -D "SINK_DIR=$work/sink-$mode" -D "NEXMARK_DIR=$work/sink-$mode" -D SUBMIT_TIME=check "$@" "${extra[@]}" >"$work/out-$mode" 2>"$work/err-$mode"; then
                echo "FAILED: $bin run $sql $* ${extra[*]}" >&2
                cat "$work/err-$mode" >&2
                return 1
            fi
            if [ "$kind" = stdout ]; then
                digests+=("$(md5sum < "$work/out-$mode" | cut -d' ' -f1)")
            else
                digests+=("$(find "$work/sink-$mode" -type f | sort | xargs -r cat | md5sum | cut -d' ' -f1)")
            fi
            counts+=("$(sed -n 's/.*rows in \([0-9]*\), rows out \([0-9]*\),.*/\1 \2/p' "$work/err-$mode" | tail -1) $((SECONDS - start))")
            rm -rf "$work/sink-$mode"
        done
        local same=identical
        [ "${digests[0]}" = "${digests[1]}" ] || same=DIFFERENT
        echo "${counts[0]} ${counts[1]} $same"
    }
    # The generator queries, their blackhole sinks swapped for print sinks so the output is compared.
    generator_queries=()
    for f in "$here"/generator/*.sql; do generator_queries+=("$(basename "$f" .sql)"); done
    [ -n "$only" ] && generator_queries=("${queries[@]}")
    for q in "${generator_queries[@]}"; do
        [ -f "$here/generator/$q.sql" ] || continue
        sed "s/'connector' = 'blackhole'/'connector' = 'print'/" "$here/generator/$q.sql" > "$work/$q.sql"
        read -r rows_in rows_out fast_s _ _ single_s same < <(run_both "$q" "$work/$q.sql" stdout -D "EVENTS=$events") \
            || { failures=$((failures + 1)); continue; }
        expected="${pinned[$events:$q]:-}"
        status=ok
        if [ -n "$expected" ] && [ "$rows_in $rows_out" != "$expected" ]; then
            status="WRONG (expected rows in, out: $expected)"
            failures=$((failures + 1))
        fi
        if [ "$same" != identical ]; then
            status="$status; output with one row per batch on one thread DIFFERENT"
            failures=$((failures + 1))
        fi
        printf '%-11s generator  rows in %8s  rows out %8s  %4s s, one row per batch %4s s  %s\n' "$q" "$rows_in" "$rows_out" "$fast_s" "$single_s" "$status"
    done
    # The csv/ queries over the same events' bids, written as CSV by rivulet itself.
    "$bin" run "$here/tools/bids_to_csv.sql" -D "EVENTS=$events" -D "DATA_DIR=$work/input" >"$work/gen.log" 2>&1 \
        || { cat "$work/gen.log" >&2; exit 1; }
    for f in "$here"/csv/*.sql; do
        q="$(basename "$f" .sql)"
        [ -z "$only" ] || [[ " $only " == *" $q "* ]] || continue
        # Those without a generator/ counterpart (q10, q21, q22) are left to BatchEquivalenceTests.
        [ -f "$here/generator/${csv_counterpart[$q]:-$q}.sql" ] || continue
        read -r rows_in rows_out fast_s _ _ single_s same < <(run_both "$q" "$f" sink -D "DATA_DIR=$work/input") \
            || { failures=$((failures + 1)); continue; }
        status=ok
        expected="${pinned[$events:${csv_counterpart[$q]:-$q}]:-}"
        if [ -n "$expected" ] && [ "$rows_in $rows_out" != "$expected" ]; then
            status="WRONG (expected rows in, out: $expected, as on the generator)"
            failures=$((failures + 1))
        fi
        if [ "$same" != identical ]; then
            status="$status; output with one row per batch on one thread DIFFERENT"
            failures=$((failures + 1))
        fi
        printf '%-11s csv        rows in %8s  rows out %8s  %4s s, one row per batch %4s s  %s\n' "$q" "$rows_in" "$rows_out" "$fast_s" "$single_s" "$status"
    done
    rm -rf "$work/input"
    # Flink's own answers on its small data set, where the reference folder is present, for the
    # reference's own scripts (its q7 is the aggregation half of Nexmark's q7, as generator/q7).
    small="$reference/data/small"
    if [ -d "$small" ]; then
        for q in q0 q2 q7 tumble_agg; do
            [ -z "$only" ] || [[ " $only " == *" $q "* ]] || continue
            sink="$work/compare-$q"
            if "$bin" run "$reference/queries/$q.sql" -D "DATA_DIR=$small" -D "SINK_DIR=$sink" >"$work/run.log" 2>&1 \
                && python3 "$reference/compare.py" "$reference/expected/$q.csv" "$sink" >"$work/compare.log" 2>&1; then
                printf '%-11s csv/small  %s\n' "$q" "$(tail -1 "$work/compare.log")"
            else
                printf '%-11s csv/small  DIFFERENT from Flink\n' "$q"
                cat "$work/run.log" "$work/compare.log" 2>/dev/null | head -20
                failures=$((failures + 1))
            fi
        done
    fi
    [ $failures = 0 ] || { echo "$failures check(s) failed" >&2; exit 1; }
    exit 0
fi

events="${events:-10000000}"

if [ ! -x /usr/bin/time ]; then
    echo "installing GNU time" >&2
    apt-get install -y time >/dev/null
fi
if [ $peers = 1 ]; then
    python3 -c 'import pyflink' 2>/dev/null || { echo "PyFlink missing: pip install apache-flink==2.3.0 (or --no-peers)" >&2; exit 1; }
    python3 -c 'import duckdb' 2>/dev/null || { echo "DuckDB missing: pip install duckdb (or --no-peers)" >&2; exit 1; }
fi

# The CSV input (5,000,000 bids, 638 MB), generated once.
if [ ! -s "$data/bid/part-0.csv" ]; then
    echo "generating the 5 M-bid CSV into $data (needs numpy)" >&2
    python3 -c 'import numpy' 2>/dev/null || pip install numpy >&2
    mkdir -p "$data"
    python3 "$reference/gen_nexmark.py" --events 5434784 --seed 42 --streams bid --out "$data" >&2
fi
bids=$(cat "$data"/bid/*.csv | wc -l)

stats() {  # values... -> "median min max"
    printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; print m, v[1], v[NR] }'
}
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n / (s > 0 ? s : 0.001) }'; }

# measure KEY EVENTS SQL ARGS... : `rivulet run SQL ARGS...` $runs times; rates are EVENTS (the
# source's rows read when empty) over wall and CPU time. Sets result[KEY] to
# "rows_in rows_out median min max peak_rss_kb cpu_rate state_rows" (state_rows: the rows a
# changelog's result holds at the end).
declare -A result
measure() {
    local key="$1" count="$2" sql="$3"; shift 3
    local rates=() rsss=() cpus=() rows_in rows_out wall rss cpu state n
    for ((r = 1; r <= runs; r++)); do
        read -r rows_in rows_out wall rss cpu state < <(run_once "$sql" "$@") || return 1
        n="${count:-$rows_in}"
        cpus+=("$(rate "$n" "$cpu")"); rates+=("$(rate "$n" "$wall")"); rsss+=("$rss")
        echo "  $key run $r: $rows_in rows in, $rows_out out, $wall s, $cpu s CPU, $rss KB" >&2
    done
    read -r med min max < <(stats "${rates[@]}")
    read -r _ _ rssMax < <(stats "${rsss[@]}")
    read -r cpuMed _ _ < <(stats "${cpus[@]}")
    result[$key]="$rows_in $rows_out $med $min $max $rssMax $cpuMed $state"
}

# measure_peer KEY flink|duckdb FILE : the peer engine $runs times over the CSV, each run a process
# of its own; sets result[KEY] to "rows_out median min max peak_rss_kb" (rates over the file's bids).
measure_peer() {
    local key="$1" engine="$2" file="$3"
    local rates=() rsss=() line rows seconds rss
    for ((r = 1; r <= runs; r++)); do
        rm -rf "$work/peer-sink"
        if [ "$engine" = flink ]; then
            line=$(python3 "$here/flink_run.py" "$file" -D "DATA_DIR=$data" -D "SINK_DIR=$work/peer-sink" \
                -D "NEXMARK_DIR=$work/peer-sink" -D SUBMIT_TIME=run 2>"$work/peer.log" | tail -1)
        else
            line=$(python3 "$here/duckdb_run.py" "$file" --data "$data" --out "$work/peer-sink" 2>"$work/peer.log" | tail -1)
        fi
        if ! read -r rows seconds rss < <(python3 -c '
import json, sys
r = json.loads(sys.argv[1])
seconds = r.get("net_seconds") or r.get("job_seconds") or r.get("seconds")
print(r["rows_out"] if r["rows_out"] is not None else "-", seconds, r["peak_rss_kb"])' "$line" 2>/dev/null); then
            echo "FAILED: $engine on $file" >&2
            tail -20 "$work/peer.log" >&2
            result[$key]="failed"
            return 0
        fi
        rates+=("$(rate "$bids" "$seconds")"); rsss+=("$rss")
        echo "  $key run $r: $rows rows out, $seconds s, $rss KB" >&2
    done
    rm -rf "$work/peer-sink"
    read -r med min max < <(stats "${rates[@]}")
    read -r _ _ rssMax < <(stats "${rsss[@]}")
    result[$key]="$rows $med $min $max $rssMax"
}

fmt_rate() { awk -v r="$1" 'BEGIN { if (r >= 1e6) printf "%.2f M", r / 1e6; else if (r >= 1e4) printf "%.0f K", r / 1e3; else printf "%.0f", r }'; }
fmt_mb() { awk -v k="$1" 'BEGIN { if (k >= 1048576) printf "%.1f GB", k / 1048576; else printf "%.0f MB", k / 1024 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf (a / b < 1 ? "%.2f×" : "%.1f×"), a / b }'; }
wanted() { [ -z "$only" ] || [[ " $only " == *" $1 "* ]]; }

started=$(date -u '+%Y-%m-%d %H:%M UTC')
load=$(cut -d' ' -f1-3 /proc/loadavg)

# 1. Every published query over Nexmark's own DDL (ddl_gen.sql, ddl_views.sql), into its sink.
published="$here/published"
declare -A not_run
while IFS=$'\t' read -r q reason; do not_run[$q]="$reason"; done < <(python3 - "$published/README.md" <<'PY'
import re, sys
text = open(sys.argv[1]).read().split("What does not run", 1)[1].split("\n", 1)[1]
for bullet in re.split(r"\n- ", "\n" + text.strip()):
    bullet = " ".join(bullet.split())
    lead = re.match(r"^((?:`q\d+`(?:,|\s+and)?\s*)+)", bullet)
    for q in re.findall(r"q\d+", lead.group(1) if lead else ""):
        print(f"{q}\t{bullet}")
PY
)
published_queries=()
for f in "$published"/q*.sql; do published_queries+=("$(basename "$f" .sql)"); done
mapfile -t published_queries < <(printf '%s\n' "${published_queries[@]}" | sort -V)
# q23 joins each bid with every auction its bidder sells: its output grows with the square of the
# stream (2.3 M rows from 20,000 events), so it runs on at most 100,000 events.
declare -A published_cap=([q23]=100000)
declare -A published_events
for q in "${published_queries[@]}"; do
    wanted "$q" && [ -z "${not_run[$q]:-}" ] || continue
    n="$events"
    [ -n "${published_cap[$q]:-}" ] && [ "${published_cap[$q]}" -lt "$n" ] && n="${published_cap[$q]}"
    published_events[$q]="$n"
    echo "published $q" >&2
    measure "pub-$q" "$n" "$published/$q.sql" -i "$published/ddl_gen.sql" -i "$published/ddl_views.sql" \
        -D NEXMARK_TABLE=datagen -D TPS=10000 -D "EVENTS_NUM=$n" -D PERSON_PROPORTION=1 -D AUCTION_PROPORTION=3 \
        -D BID_PROPORTION=46 -D "NEXMARK_DIR=$work/sink" -D SUBMIT_TIME=run || result[pub-$q]="failed"
done

# 2. The bid-only queries over the CSV file: Rivulet, Flink (PyFlink) and DuckDB, one after another.
csv_queries=()
for f in "$here"/csv/*.sql; do csv_queries+=("$(basename "$f" .sql)"); done
mapfile -t csv_queries < <(printf '%s\n' "${csv_queries[@]}" | sort -V)
# Nexmark's changelog queries over bids keep their blackhole sinks (a file sink takes no updates):
# tools/csv_bid.sql then published/QUERY.sql, unmodified.
changelog_queries=(q15 q16 q17 q18 q19)
for q in "${changelog_queries[@]}"; do
    cat "$here/tools/csv_bid.sql" "$published/$q.sql" > "$work/csv-$q.sql"
done
csv_file() { if [ -f "$here/csv/$1.sql" ]; then echo "$here/csv/$1.sql"; else echo "$work/csv-$1.sql"; fi; }
is_changelog() { [[ " ${changelog_queries[*]} " == *" $1 "* ]]; }
csv_queries+=("${changelog_queries[@]}")
for q in "${csv_queries[@]}"; do
    wanted "$q" || continue
    echo "csv $q" >&2
    measure "csv-$q" "$bids" "$(csv_file "$q")" -D "DATA_DIR=$data" -D "NEXMARK_DIR=$work/sink" -D SUBMIT_TIME=run \
        || result[csv-$q]="failed"
    [ $peers = 1 ] || continue
    measure_peer "flink-$q" flink "$(csv_file "$q")"
    [ -f "$here/duckdb/$q.sql" ] && measure_peer "duckdb-$q" duckdb "$here/duckdb/$q.sql"
done

notes="$here/NOTES.md"
section="$work/section.md"
begin_marker="<!-- run.sh: begin (generated by benchmarks/nexmark/run.sh; edit NOTES.md instead) -->"
end_marker="<!-- run.sh: end -->"
flink_version=$(python3 -c 'import importlib.metadata as m; print(m.version("apache-flink"))' 2>/dev/null || echo "?")
duckdb_version=$(python3 -c 'import duckdb; print(duckdb.__version__)' 2>/dev/null || echo "?")
{
    echo "$begin_marker"
    echo "Nexmark, measured by \`benchmarks/nexmark/run.sh\` on $started: median, min and max of $runs runs."
    echo
    echo "- Machine: $(machine); load average when the run started: $load (the cores are shared, so figures are noisy)."
    echo "- Build: commit $(git -C "$repo" rev-parse --short HEAD) ($(swift --version 2>/dev/null | head -1)); binary \`$bin\`."
    echo "- Rivulet events/s = events ÷ wall time of the whole \`rivulet run\` process (start-up included);"
    echo "  events/CPU-s = events ÷ its user + system CPU time (what one idle core would do); peak memory ="
    echo "  maximum resident set size (\`/usr/bin/time -v\`)."
    echo
    echo "### Nexmark's published queries over the nexmark generator"
    echo
    echo "\`$bin run -i ddl_gen.sql -i ddl_views.sql -D NEXMARK_TABLE=datagen -D TPS=10000 -D EVENTS_NUM=$events"
    echo "-D PERSON_PROPORTION=1 -D AUCTION_PROPORTION=3 -D BID_PROPORTION=46 benchmarks/nexmark/published/QUERY.sql\`:"
    echo "$events events (2% persons, 6% auctions, 92% bids) into the query's own sink (blackhole; q10's"
    echo "partitioned CSV files). Rows in counts each view's reads of the one source; rows out every change."
    echo "q23's output grows with the square of the stream: it runs on at most ${published_cap[q23]} events."
    echo
    echo "| query | events | rows in | rows out | events/s median | min | max | events/CPU-s | peak RSS |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    for q in "${published_queries[@]}"; do
        wanted "$q" || continue
        if [ -n "${not_run[$q]:-}" ]; then
            echo "| $q | not run: ${not_run[$q]//|/\\|} |||||||| "
        elif [ "${result[pub-$q]}" = failed ]; then
            echo "| $q | FAILED (see the run's log) |||||||| "
        else
            read -r rin rout med min max rss cpuRate _ <<< "${result[pub-$q]}"
            echo "| $q | ${published_events[$q]} | $rin | $rout | $(fmt_rate "$med") | $(fmt_rate "$min") | $(fmt_rate "$max") | $(fmt_rate "$cpuRate") | $(fmt_mb "$rss") |"
        fi
    done
    echo
    echo "### Bid-only queries over one CSV file: Rivulet, Flink and DuckDB in the same run"
    echo
    made=$(python3 -c 'import json, sys; a = json.load(open(sys.argv[1]))["args"]; print(a["events"], a["seed"])' \
        "$data/manifest.json" 2>/dev/null || echo "? ?")
    echo "- Input: \`python3 gen_nexmark.py --events ${made% *} --seed ${made#* } --streams bid --out $data\` ($bids bids;"
    echo "  every engine's events/s is over these bids, also where a query reads them twice)."
    echo "- Rivulet: \`$bin run benchmarks/nexmark/csv/QUERY.sql -D DATA_DIR=$data -D SINK_DIR=OUT\`: Nexmark's"
    echo "  query text over a CSV \`bid\` table, written as CSV part files."
    echo "- Flink $flink_version: \`python3 benchmarks/nexmark/flink_run.py\` on the same .sql files (PyFlink, local"
    echo "  MiniCluster, streaming mode, parallelism 1); events/s over the job's net run time (JVM start-up and"
    echo "  job submission excluded, which flatters Flink); peak memory = the JVM's peak RSS (VmHWM)."
    echo "- DuckDB $duckdb_version: \`python3 benchmarks/nexmark/duckdb_run.py benchmarks/nexmark/duckdb/QUERY.sql\`, 2 threads,"
    echo "  the query's batch SQL over \`read_csv\` of the same file, \`COPY\` to CSV; events/s over the \`COPY\`."
    echo "- Rows out: one figure where every engine wrote the same number of rows, else Rivulet / Flink /"
    echo "  DuckDB; – where an engine did not run the query. The input has no late bid, so for the"
    echo "  append-only queries the batch answer is the streaming one. $(printf '%s, ' "${changelog_queries[@]}" | sed 's/, $//') produce"
    echo "  changelogs and keep Nexmark's blackhole sink (\`tools/csv_bid.sql\` then \`published/QUERY.sql\`): their"
    echo "  changes are counted by Rivulet alone, and the rows of its final result are compared with DuckDB's"
    echo "  (a batch engine gives only the final table); Flink's blackhole output is not counted."
    echo
    echo "| query | rows out | Rivulet events/s | events/CPU-s | peak RSS | Flink events/s | Rivulet ÷ Flink | Flink peak | DuckDB events/s | Rivulet ÷ DuckDB | DuckDB peak |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    for q in "${csv_queries[@]}"; do
        wanted "$q" || continue
        if [ "${result[csv-$q]}" = failed ]; then
            echo "| $q | Rivulet FAILED |||||||||| "
            continue
        fi
        read -r _ rout med _ _ rss cpuRate state <<< "${result[csv-$q]}"
        final="$rout"
        is_changelog "$q" && final="$state"
        counts=("$final")
        fr="–"; fratio="–"; fm="–"; dr="–"; dratio="–"; dm="–"
        f="${result[flink-$q]:-}"; d="${result[duckdb-$q]:-}"
        if [ -n "$f" ] && [ "$f" != failed ]; then
            read -r frows fmed _ _ frss <<< "$f"
            [ "$frows" = - ] && frows="–"
            counts+=("$frows"); fr="$(fmt_rate "$fmed")"; fratio="$(ratio "$med" "$fmed")"; fm="$(fmt_mb "$frss")"
        else
            counts+=("–"); [ "$f" = failed ] && fr="FAILED"
        fi
        if [ -n "$d" ] && [ "$d" != failed ]; then
            read -r drows dmed _ _ drss <<< "$d"
            counts+=("$drows"); dr="$(fmt_rate "$dmed")"; dratio="$(ratio "$med" "$dmed")"; dm="$(fmt_mb "$drss")"
        else
            counts+=("–"); [ "$d" = failed ] && dr="FAILED"
        fi
        distinct=$(printf '%s\n' "${counts[@]}" | grep -v '^–$' | sort -u | wc -l)
        rows="$final"
        [ "$distinct" -le 1 ] || rows="${counts[0]} / ${counts[1]} / ${counts[2]} (DIFFERENT)"
        is_changelog "$q" && rows="$rout changes; final $rows"
        echo "| $q | $rows | $(fmt_rate "$med") | $(fmt_rate "$cpuRate") | $(fmt_mb "$rss") | $fr | $fratio | $fm | $dr | $dratio | $dm |"
    done
    if [ -f "$notes" ]; then
        echo
        cat "$notes"
    fi
    echo "$end_marker"
} > "$section"
# Only the generated section is replaced; sections others wrote before or after it stay.
[ -f "$output" ] || { [ -f "$repo/BENCHMARKS.md" ] && cp "$repo/BENCHMARKS.md" "$output"; }
python3 - "$output" "$section" "$begin_marker" "$end_marker" <<'PY'
import sys
path, section_path, begin, end = sys.argv[1:5]
section = open(section_path).read().rstrip("\n") + "\n"
try:
    text = open(path).read()
except FileNotFoundError:
    text = "# Benchmarks\n"
if begin in text and end in text:
    head, rest = text.split(begin, 1)
    tail = rest.split(end, 1)[1]
    text = head + section.rstrip("\n") + tail
else:
    lines = text.split("\n", 1)
    text = lines[0] + "\n\n" + section + ("\n" + lines[1].lstrip("\n") if len(lines) > 1 and lines[1].strip() else "")
open(path, "w").write(text)
PY
echo "updated the generated section of $output" >&2
