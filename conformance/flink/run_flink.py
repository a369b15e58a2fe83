#!/usr/bin/env python3
"""Runs one of `queries/*.sql` on Apache Flink itself and writes its rows as `expected/<name>.csv`.

    pip install apache-flink==2.3.0        # Java 17 on PATH
    python3 conformance/flink/run_flink.py q5

Streaming mode, parallelism 1, watermarks after every record (`pipeline.auto-watermark-interval`
0), over `data/small`. The sink's part files are canonicalized as the tests compare them —
timestamps as `YYYY-MM-DD HH:MM:SS.mmm`, decimals without trailing zeros — and sorted. A script
that ends in a SELECT instead of an INSERT (a changelog, which Flink's filesystem sink refuses)
has its result collected with its changes applied: the final rows, as `rivulet run` prints them.
Never run by the tests: its output is committed as data.
"""
import csv
import glob
import io
import os
import re
import sys
import tempfile
from decimal import Decimal

from pyflink.table import EnvironmentSettings, TableEnvironment

FOLDER = os.path.dirname(os.path.abspath(__file__))
TIMESTAMP = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})(?::(\d{2})(?:\.(\d+))?)?$")
DECIMAL = re.compile(r"^[-+]?(\d+\.\d*|\.\d+|\d+(\.\d*)?[eE][-+]?\d+)$")


def canonical(field):
    match = TIMESTAMP.match(field)
    if match:
        date, minutes, seconds, fraction = match.groups()
        fraction = (fraction or "").rstrip("0").ljust(3, "0")
        return f"{date} {minutes}:{seconds or '00'}.{fraction}"
    if DECIMAL.match(field):
        text = format(Decimal(field), "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return "0" if text in ("-0", "") else text
    return field


def statements(script):
    lines = [line for line in script.splitlines() if not line.strip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


def final_rows(result):
    """A SELECT's changelog applied: +I and +U add a row, -U and -D remove an equal one."""
    rows = []
    with result.collect() as changes:
        for change in changes:
            row = [canonical("" if value is None else str(value)) for value in change]
            if change.get_row_kind().name in ("INSERT", "UPDATE_AFTER"):
                rows.append(row)
            else:
                rows.remove(row)
    return rows


def main(name):
    sink = tempfile.mkdtemp(prefix=f"flink-{name}-")
    script = open(os.path.join(FOLDER, "queries", f"{name}.sql")).read()
    script = script.replace("${DATA_DIR}", os.path.join(FOLDER, "data", "small")).replace("${SINK_DIR}", sink)
    environment = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
    environment.get_config().set("parallelism.default", "1")
    environment.get_config().set("pipeline.auto-watermark-interval", "0")
    rows = []
    for statement in statements(script):
        result = environment.execute_sql(statement)
        if statement.upper().startswith("INSERT"):
            result.wait()
        elif statement.lstrip("(").upper().startswith("SELECT"):
            rows = final_rows(result)
    for path in sorted(glob.glob(os.path.join(sink, "**", "*"), recursive=True)):
        if os.path.isfile(path) and not os.path.basename(path).startswith("."):
            with open(path, newline="") as part:
                rows += [[canonical(field) for field in row] for row in csv.reader(part)]
    lines = []
    for row in rows:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow(row)
        lines.append(buffer.getvalue())
    with open(os.path.join(FOLDER, "expected", f"{name}.csv"), "w") as expected:
        expected.writelines(sorted(lines))
    print(f"{name}: {len(lines)} rows from Flink")


if __name__ == "__main__":
    main(sys.argv[1])
