#!/usr/bin/env bash
# Nexmark benchmarks of `rivulet run`: every query of benchmarks/nexmark/ on two inputs,
#   generator/  the nexmark generator connector into a blackhole sink (engine only);
#   csv/        the 5 M-bid CSV of docs BENCHMARK.md read by the filesystem connector, to CSV.
# Each run is timed with /usr/bin/time -v; events/s = rows read by the source / wall time of the
# whole process (start-up included), peak memory = maximum resident set size.
#
#   benchmarks/nexmark/run.sh            3 runs each; replaces the generated section of BENCHMARKS.md
#                                        (between its run.sh markers; other sections are kept)
#   benchmarks/nexmark/run.sh --check    the regression guard (never timed): every query of generator/
#                                        on 1 M events (CI: --events 200000) and every query of csv/ on their bids
#                                        written as CSV, each run twice, once as usual and once with one
#                                        row per batch on one thread (--batch-size 1 --single-thread);
#                                        the two outputs must be identical and the row counts as pinned
#                                        below. Where the reference folder exists, also compares
#                                        q0/q2/q7/tumble_agg with Flink's rows. (--quick is an alias.)
#
# Options: --runs N, --events N (generator events, default 50,000,000; 1,000,000 for --check),
# --data DIR (the CSV input; generated there by gen_nexmark.py when missing), --only "q0 q7" (a
# subset), --no-build.
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
while [ $# -gt 0 ]; do
    case "$1" in
        --quick|--check) quick=1 ;;
        --runs) runs="$2"; shift ;;
        --events) events="$2"; shift ;;
        --data) data="$2"; shift ;;
        --only) only="$2"; shift ;;
        --no-build) build=0 ;;
        -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

queries=(q0 q1 q2 q5_count q7 q11 tumble_agg)
[ -n "$only" ] && read -r -a queries <<< "$only"

# Flink 2.3.0 events/s on the CSV input (docs/BENCHMARK.md); tumble_agg has no published figure.
declare -A flink=([q0]=503000 [q1]=445000 [q2]=938000 [q5_count]=432000 [q7]=836000 [q11]=465000)
declare -A flinkMemory=([q0]="2.0 GB" [q1]="1.9 GB" [q2]="1.3 GB" [q5_count]="1.7 GB" [q7]="1.5 GB" [q11]="1.8 GB")

# Rows in and out of each generator/ query over 200,000 (what CI runs) and 1,000,000 generated
# events, for --check (at other sizes only the outputs are compared). Rows in: bids (92%),
# auctions (6%), persons (2%) the query's sources read (a source read twice counts twice); rows
# out include every change of a changelog. They only change when the generator or a query's
# semantics do; update them deliberately. csv/ queries read the same bids and must give the same
# rows out as their generator/ namesakes.
declare -A pinned=(
    [200000:q0]="184000 184000" [200000:q1]="184000 184000" [200000:q2]="184000 1506"
    [200000:q3]="16000 1169" [200000:q4]="196000 99321" [200000:q5]="368000 14"
    [200000:q5_count]="184000 60686" [200000:q7]="184000 2" [200000:q7_join]="368000 2"
    [200000:q8]="16000 3076" [200000:q9]="196000 49668" [200000:q11]="184000 3928"
    [200000:q18]="184000 310160" [200000:q19]="184000 492721" [200000:tumble_agg]="184000 12069"
    [1000000:q0]="920000 920000" [1000000:q1]="920000 920000" [1000000:q2]="920000 6702"
    [1000000:q3]="80000 6126" [1000000:q5]="1840000 54" [1000000:q5_count]="920000 303869"
    [1000000:q7]="920000 10" [1000000:q7_join]="1840000 10" [1000000:q8]="80000 15112"
    [1000000:q9]="980000 248236" [1000000:q11]="920000 19923" [1000000:q18]="920000 1547559"
    [1000000:tumble_agg]="920000 60710"
)

bin="${RIVULET_BIN:-$repo/.build-bench/release/rivulet}"
if [ $build = 1 ] && [ -z "${RIVULET_BIN:-}" ]; then
    echo "building release binary" >&2
    (cd "$repo" && swift build -c release --scratch-path .build-bench --product rivulet >&2)
fi
[ -x "$bin" ] || { echo "no binary at $bin" >&2; exit 1; }

work="$(mktemp -d /tmp/rivulet-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT

# run_once SQL [DEFINES...] -> prints "rows_in rows_out seconds rss_kb cpu_seconds"
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
    echo "$rows_in $rows_out $wall $rss $cpu"
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
    # (a print sink) or `sink` (the part files in SINK_DIR, concatenated in name order).
    run_both() {
        local name="$1" sql="$2" kind="$3"; shift 3
        local digests=() counts=() mode
        for mode in fast single; do
            local extra=()
            [ $mode = single ] && extra=(--batch-size 1 --single-thread)
            local start=$SECONDS
            if ! "$bin" run "$sql" -D "SINK_DIR=$work/sink-$mode" "$@" "${extra[@]}" >"$work/out-$mode" 2>"$work/err-$mode"; then
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
        read -r rows_in rows_out fast_s _ _ single_s same < <(run_both "$q" "$f" sink -D "DATA_DIR=$work/input") \
            || { failures=$((failures + 1)); continue; }
        status=ok
        expected="${pinned[$events:$q]:-}"
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
    # Flink's own answers on its small data set, where the reference folder is present.
    small="$reference/data/small"
    if [ -d "$small" ]; then
        for q in q0 q2 q7 tumble_agg; do
            [[ " ${queries[*]} " == *" $q "* ]] || continue
            sink="$work/compare-$q"
            if "$bin" run "$here/csv/$q.sql" -D "DATA_DIR=$small" -D "SINK_DIR=$sink" >"$work/run.log" 2>&1 \
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

events="${events:-50000000}"

if [ ! -x /usr/bin/time ]; then
    echo "installing GNU time" >&2
    apt-get install -y time >/dev/null
fi

# The CSV input (5,000,000 bids, 638 MB), generated once.
if [ ! -s "$data/bid/part-0.csv" ]; then
    echo "generating the 5 M-bid CSV into $data (needs numpy)" >&2
    python3 -c 'import numpy' 2>/dev/null || pip install numpy >&2
    mkdir -p "$data"
    python3 "$reference/gen_nexmark.py" --events 5434784 --seed 42 --streams bid --out "$data" >&2
fi

# measure NAME SQL DEFINES... -> one table row in $work/NAME.row, runs printed to stderr
stats() {  # values... -> "median min max"
    printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; print m, v[1], v[NR] }'
}

declare -A result
measure() {
    local key="$1" sql="$2"; shift 2
    local rates=() rsss=() cpus=() rows_in rows_out wall rss cpu
    for ((r = 1; r <= runs; r++)); do
        read -r rows_in rows_out wall rss cpu < <(run_once "$sql" "$@")
        cpus+=("$(awk -v n="$rows_in" -v s="$cpu" 'BEGIN { printf "%.0f", n / (s > 0 ? s : 0.01) }')")
        rates+=("$(awk -v n="$rows_in" -v s="$wall" 'BEGIN { printf "%.0f", n / (s > 0 ? s : 0.01) }')")
        rsss+=("$rss")
        echo "  $key run $r: $rows_in rows in, $rows_out out, $wall s, $cpu s CPU, $rss KB" >&2
    done
    read -r med min max < <(stats "${rates[@]}")
    read -r rssMed _ rssMax < <(stats "${rsss[@]}")
    read -r cpuMed _ _ < <(stats "${cpus[@]}")
    result[$key]="$rows_in $rows_out $med $min $max $rssMax $cpuMed"
}

fmt_rate() { awk -v r="$1" 'BEGIN { if (r >= 1e6) printf "%.2f M", r / 1e6; else printf "%.0f K", r / 1e3 }'; }
fmt_mb() { awk -v k="$1" 'BEGIN { printf "%.0f MB", k / 1024 }'; }

started=$(date -u '+%Y-%m-%d %H:%M UTC')
load=$(cut -d' ' -f1-3 /proc/loadavg)
for q in "${queries[@]}"; do
    echo "$q" >&2
    measure "gen-$q" "$here/generator/$q.sql" -D "EVENTS=$events"
    measure "csv-$q" "$here/csv/$q.sql" -D "DATA_DIR=$data"
done
echo "q7 over 10 M generated events" >&2
measure "gen10m-q7" "$here/generator/q7.sql" -D "EVENTS=10000000"

out="$repo/BENCHMARKS.md"
notes="$here/NOTES.md"
section="$work/section.md"
begin_marker="<!-- run.sh: begin (generated by benchmarks/nexmark/run.sh; edit NOTES.md instead) -->"
end_marker="<!-- run.sh: end -->"
{
    echo "$begin_marker"
    echo "Nexmark queries of \`benchmarks/nexmark/\`, measured by \`benchmarks/nexmark/run.sh\` on $started."
    echo "Events/s = events read by the source ÷ wall time of the whole \`rivulet run\` process (start-up"
    echo "included); median, min and max of $runs runs. Peak memory = maximum resident set size (\`/usr/bin/time -v\`)."
    echo
    echo "- Machine: $(machine); load average when the run started: $load (the cores are shared, so figures are noisy)."
    echo "- Build: \`swift build -c release --scratch-path .build-bench\` at commit $(git -C "$repo" rev-parse --short HEAD) ($(swift --version 2>/dev/null | head -1)); binary \`$bin\`."
    echo "- Generator input: \`$bin run benchmarks/nexmark/generator/QUERY.sql -D EVENTS=$events\` —"
    echo "  $events Nexmark events of which the bid source emits its 92% share (the rows counted), into a blackhole sink."
    echo "- CSV input: \`python3 gen_nexmark.py --events 5434784 --seed 42 --streams bid --out $data\`, then"
    echo "  \`$bin run benchmarks/nexmark/csv/QUERY.sql -D DATA_DIR=$data -D SINK_DIR=OUT\` (CSV part files in OUT)."
    echo "- Events/CPU-s: events read ÷ (user + system CPU time) of the process, median — what the wall-clock rate"
    echo "  would be on an otherwise idle core; shown because the shared machine's load makes wall time noisy."
    echo "- Flink: Flink 2.3.0 figures of docs/BENCHMARK.md (same CSV, parallelism 1, JVM start-up excluded)."
    echo
    echo "| query | input | events read | rows out | events/s median | min | max | events/CPU-s | peak RSS | Flink events/s | ratio to Flink (wall) | ratio (CPU) | Flink peak |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    for q in "${queries[@]}"; do
        for input in gen csv; do
            read -r rin rout med min max rss cpuRate <<< "${result[$input-$q]}"
            label=$([ $input = gen ] && echo "generator → blackhole" || echo "5 M-bid CSV → CSV")
            if [ $input = csv ] && [ -n "${flink[$q]:-}" ]; then
                ratio=$(awk -v a="$med" -v b="${flink[$q]}" 'BEGIN { printf "%.1f×", a / b }')
                cpuRatio=$(awk -v a="$cpuRate" -v b="${flink[$q]}" 'BEGIN { printf "%.1f×", a / b }')
                fr="$(fmt_rate "${flink[$q]}")"; fm="${flinkMemory[$q]}"
            else
                ratio="–"; cpuRatio="–"; fr="–"; fm="–"
            fi
            echo "| $q | $label | $rin | $rout | $(fmt_rate "$med") | $(fmt_rate "$min") | $(fmt_rate "$max") | $(fmt_rate "$cpuRate") | $(fmt_mb "$rss") | $fr | $ratio | $cpuRatio | $fm |"
        done
    done
    read -r rin rout med min max rss cpuRate <<< "${result[gen10m-q7]}"
    echo
    echo "**TUMBLE 10 s over 10 M generated bids** (q7, \`-D EVENTS=10000000\`, $rin bids read): $(fmt_rate "$med") events/s median (min $(fmt_rate "$min"), max $(fmt_rate "$max")), $(fmt_rate "$cpuRate") events/CPU-s, peak RSS $(fmt_mb "$rss")."
    if [ -f "$notes" ]; then
        echo
        cat "$notes"
    fi
    echo "$end_marker"
} > "$section"
# Only the generated section is replaced; sections others wrote before or after it stay.
python3 - "$out" "$section" "$begin_marker" "$end_marker" <<'PY'
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
echo "updated the generated section of $out" >&2
