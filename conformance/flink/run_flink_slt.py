#!/usr/bin/env python3
"""Fills in the expected rows of a conformance file's queries with Apache Flink's answers.

    pip install apache-flink==2.3.0        # Java 17 on PATH
    python3 conformance/flink/run_flink_slt.py conformance/sql/nested_flink.slt

Each embedded stream (`CREATE STREAM name (...)`) becomes a filesystem JSON table holding the
rows of its `INSERT ... VALUES` statements; each `query` runs on Flink in streaming mode at
parallelism 1, its changelog is applied to a multiset, and its rows are written under the
record's `----` in the suite's format (every value as Flink casts it to STRING). A query Flink
refuses is reported and left without rows; each `statement error` is run to check that Flink
refuses it too. Watermarks advance after every row (`'scan.watermark.emit.strategy' = 'on-event'`,
`pipeline.auto-watermark-interval` 0). A stream's rows keep their order only when one
`INSERT ... VALUES` writes them all: each INSERT is a part file of its own, read in no set order.
Never run by the tests: its output is committed as data.
"""
import os
import re
import sys
import tempfile

from pyflink.common import RowKind
from pyflink.table import DataTypes, EnvironmentSettings, TableEnvironment
from pyflink.table.expressions import col

CREATE_STREAM = re.compile(r"^\s*CREATE\s+STREAM\s+(\w+)\s*(\(.*\))\s*$", re.S | re.I)


def records(text):
    """Blank-line separated records, as (first line index, lines)."""
    out, current, start = [], [], 0
    for i, line in enumerate(text.split("\n")):
        if line.strip() == "":
            if current:
                out.append((start, current))
            current = []
        else:
            if not current:
                start = i
            current.append(line)
    if current:
        out.append((start, current))
    return out


def cell(text, letter):
    """A value Flink cast to STRING, in the suite's format."""
    if text is None:
        return "NULL"
    if letter == "B":
        return text.lower()
    if letter == "T" and text == "":
        return "(empty)"
    if letter == "P":
        return text.replace(" ", "T", 1)
    return text


def run(environment, sql, letters, sort):
    # Flink renders every value itself: nested values as CAST(... AS STRING) prints them.
    table = environment.sql_query(sql)
    names = table.get_schema().get_field_names()
    table = table.select(*[col(name).cast(DataTypes.STRING()) for name in names])
    rows = []
    with table.execute().collect() as results:
        for row in results:
            line = " ".join(cell(v, letters[i] if i < len(letters) else "T") for i, v in enumerate(row))
            if row.get_row_kind() in (RowKind.INSERT, RowKind.UPDATE_AFTER):
                rows.append(line)
            else:
                rows.remove(line)
    return sorted(rows) if sort else rows


def main(path):
    folder = tempfile.mkdtemp(prefix="flink-slt-")
    environment = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
    environment.get_config().set("parallelism.default", "1")
    environment.get_config().set("table.local-time-zone", "UTC")
    environment.get_config().set("pipeline.auto-watermark-interval", "0")
    lines = open(path).read().split("\n")
    replacements = []
    for start, record in records("\n".join(lines)):
        body = [l for l in record if not l.startswith("#")]
        if not body:
            continue
        head = body[0].split()
        if head[:2] == ["statement", "ok"]:
            sql = "\n".join(body[1:]).rstrip(";")
            match = CREATE_STREAM.match(sql)
            if match:
                name, columns = match.groups()
                # A watermark after every row, as the suite states it (see conformance/README.md).
                emit = ", 'scan.watermark.emit.strategy' = 'on-event'" if re.search(r"\bWATERMARK\s+FOR\b", columns, re.I) else ""
                sql = (f"CREATE TABLE {name} {columns} WITH ('connector' = 'filesystem', "
                       f"'path' = '{os.path.join(folder, name)}', 'format' = 'json'{emit})")
                environment.execute_sql(sql)
            else:
                result = environment.execute_sql(sql)
                if sql.strip().upper().startswith("INSERT"):
                    result.wait()
        elif head[:2] == ["statement", "error"]:
            # Flink must refuse the statement too; a statement it accepts is reported.
            sql = "\n".join(body[1:]).rstrip(";")
            try:
                environment.sql_query(sql).execute().collect().close()
                print(f"{path}:{start + 1}: Flink accepts this statement")
            except Exception as error:
                print(f"{path}:{start + 1}: refused: {str(error).splitlines()[0]}")
        elif head[0] == "query":
            letters, sort = head[1], "rowsort" in head[2:]
            separator = body.index("----")
            sql = "\n".join(body[1:separator]).rstrip(";")
            try:
                rows = run(environment, sql, letters, sort)
            except Exception as error:
                # Left without rows, for the author to turn into a `statement error` or drop.
                print(f"{path}:{start + 1}: Flink refuses: {str(error).splitlines()[0]}")
                continue
            first = start + record.index("----") + 1
            last = start + len(record)
            replacements.append((first, last, rows))
            print(f"{path}:{start + 1}: {len(rows)} rows")
    for first, last, rows in reversed(replacements):
        lines[first:last] = rows
    open(path, "w").write("\n".join(lines))


if __name__ == "__main__":
    main(sys.argv[1])
