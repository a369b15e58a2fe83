#!/usr/bin/env bash
# Builds the parse → bind → plan fuzz target with libFuzzer (debug, -sanitize=fuzzer; the
# runtime ships with the Swift toolchain) and runs it for SECONDS (default 60), seeded with the
# scripts of sql-examples/ and every statement of conformance/**/*.slt. Prints the executions,
# their rate and what was found; exits non-zero when an input crashed or hung the target, which
# is then left in fuzz/crashes/ (replay it with `fuzz/run.sh --replay fuzz/crashes/<file>`).
set -euo pipefail
cd "$(dirname "$0")"
swift build --sanitize=fuzzer -Xswiftc -parse-as-library
binary="$(swift build --sanitize=fuzzer --show-bin-path)/ParsePlanFuzz"

if [ "${1:-}" = "--replay" ]; then
    shift
    exec "$binary" "$@"
fi
seconds="${1:-60}"

# The seed corpus is rebuilt at every run; what the fuzzer adds goes to .build/corpus, kept
# between runs on this machine.
seeds=.build/seeds
corpus=.build/corpus
rm -rf "$seeds"
mkdir -p "$seeds" "$corpus" crashes
python3 - "$seeds" <<'PY'
import glob, hashlib, os, re, sys
out = sys.argv[1]
def seed(text):
    data = text.encode()
    open(os.path.join(out, hashlib.sha1(data).hexdigest()), "wb").write(data)
for path in glob.glob("../sql-examples/**/*.sql", recursive=True) + glob.glob("../conformance/**/*.sql", recursive=True):
    seed(open(path, encoding="utf-8").read())
def records(path):
    """The SQL of each `statement` or `query` record: the lines after its header, up to a blank
    line or the `----` before expected rows; `include` records bring another file's."""
    block, taking = [], False
    for line in open(path, encoding="utf-8").read().splitlines() + [""]:
        if line.startswith("include "):
            yield from records(os.path.join(os.path.dirname(path), line.split()[1]))
        elif re.match(r"(statement|query)\b", line):
            block, taking = [], True
        elif taking and line.strip() in ("", "----"):
            if block:
                yield "\n".join(block)
            block, taking = [], False
        elif taking:
            block.append(line)
# Each statement alone, and after the file's CREATE and INSERT statements before it, so that
# its streams and tables exist.
for path in glob.glob("../conformance/**/*.slt", recursive=True):
    setup = []
    for sql in records(path):
        seed(sql)
        seed(";\n".join(setup + [sql]))
        if re.match(r"\s*(CREATE|INSERT)\b", sql, re.I):
            setup.append(sql)
PY
# SQL keywords and symbols, for mutations that make sense to the lexer.
python3 - > .build/sql.dict <<'PY'
import re
words = set(re.findall(r'"([A-Z_]+)"', open("../Sources/RivuletSQL/Keywords.swift").read()))
symbols = ["(", ")", ",", ";", ".", "*", "+", "-", "/", "%", "=", "<>", "!=", "<", "<=", ">", ">=", "||",
           "'", "\"", "`", "::", "=>", "$1", "--", "/*", "*/", "INTERVAL '1' SECOND", "TIMESTAMP '2024-01-01 00:00:00'"]
for token in sorted(words) + symbols:
    print('"%s"' % token.replace("\\", "\\\\").replace('"', '\\"'))
PY

# Swift's own crash handler would print a backtrace and exit before libFuzzer keeps the input.
export SWIFT_BACKTRACE=enable=no
log=.build/fuzz.log
status=0
"$binary" "$corpus" "$seeds" -dict=.build/sql.dict -max_total_time="$seconds" -max_len=8192 -timeout=10 \
    -rss_limit_mb=4096 -artifact_prefix=crashes/ -print_final_stats=1 >"$log" 2>&1 || status=$?

grep -E "^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)" "$log" || true
grep -E "^#[0-9]+ +DONE" "$log" || true
found=$(grep -c "Test unit written to" "$log" || true)
echo "crashes or hangs found: $found"
if [ "$status" -ne 0 ]; then
    grep -E "Fatal error|ERROR: libFuzzer|Test unit written to" "$log" | head -5 || true
    echo "the fuzz target failed; log: fuzz/$log" >&2
fi
exit "$status"
