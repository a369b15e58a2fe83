#!/usr/bin/env python3
"""Runs one Flink SQL script of benchmarks/nexmark/csv/ on Apache Flink through PyFlink.

    python3 flink_run.py csv/q7.sql -D DATA_DIR=/tmp/rivulet-nexmark-5m -D SINK_DIR=/tmp/out

Streaming mode, parallelism 1, a local MiniCluster in the JVM PyFlink starts. The script's
statements run in order; its one INSERT is the job. Prints one line of JSON:
  job_seconds   wall time from submitting the INSERT until the job has finished (the JVM's
                start-up and the DDL excluded);
  net_seconds   the job's net run time as Flink reports it (submission excluded), the figure
                the events/s of docs BENCHMARK.md are taken over;
  rows_out      lines the job wrote under SINK_DIR and NEXMARK_DIR (in-progress part files
                included); null when the sink writes no files (blackhole);
  peak_rss_kb   the JVM process's peak resident set size (VmHWM), read when the job is done.
"""
import argparse
import json
import os
import re
import sys
import time


def substitute(text, defines):
    def value(match):
        name = match.group(1)
        if name not in defines:
            sys.exit(f"flink_run.py: ${{{name}}} is not defined (-D {name}=VALUE)")
        return defines[name]
    return re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}", value, text)


def statements(text):
    """The script's statements: `--` comments dropped (outside quotes), split at `;`."""
    kept = []
    for line in text.split("\n"):
        quoted = False
        for i, ch in enumerate(line):
            if ch == "'":
                quoted = not quoted
            elif not quoted and line.startswith("--", i):
                line = line[:i]
                break
        kept.append(line)
    return [s.strip() for s in "\n".join(kept).split(";") if s.strip()]


def jvm_peak_rss_kb():
    """VmHWM of the java process PyFlink started (a child of this process)."""
    me = str(os.getpid())
    best = None
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            if fields[1] != me:
                continue
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        kb = int(line.split()[1])
                        best = kb if best is None else max(best, kb)
        except (OSError, IndexError, ValueError):
            continue
    return best


def count_lines(folders):
    total, files = 0, 0
    for folder in sorted({os.path.realpath(f) for f in folders}):
        for root, _, names in os.walk(folder):
            for name in names:
                if name.startswith("_"):  # _SUCCESS and other markers
                    continue
                files += 1
                with open(os.path.join(root, name), "rb") as f:
                    total += sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))
    return total if files else None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("script")
    parser.add_argument("-D", "--define", action="append", default=[], help="NAME=VALUE for ${NAME}")
    args = parser.parse_args()
    defines = dict(d.split("=", 1) for d in args.define)
    script = statements(substitute(open(args.script).read(), defines))

    from pyflink.table import EnvironmentSettings, TableEnvironment

    env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
    config = env.get_config()
    config.set("parallelism.default", "1")
    config.set("table.exec.resource.default-parallelism", "1")

    inserts = [s for s in script if s.upper().startswith("INSERT")]
    if len(inserts) != 1:
        sys.exit(f"flink_run.py: {args.script} must hold exactly one INSERT (found {len(inserts)})")
    for statement in script:
        if statement is not inserts[0]:
            env.execute_sql(statement)
    started = time.monotonic()
    result = env.execute_sql(inserts[0])
    client = result.get_job_client()
    result.wait()
    job_seconds = time.monotonic() - started
    net_seconds = None
    try:
        net_seconds = client.get_job_execution_result().result().get_net_runtime() / 1000.0
    except Exception:  # older clients do not hand the result back; fall back to the wall time
        pass
    sinks = [defines[k] for k in ("SINK_DIR", "NEXMARK_DIR") if k in defines]
    print(json.dumps({
        "script": args.script,
        "job_seconds": round(job_seconds, 3),
        "net_seconds": net_seconds if net_seconds is None else round(net_seconds, 3),
        "rows_out": count_lines(sinks),
        "peak_rss_kb": jvm_peak_rss_kb(),
    }))
    sys.stdout.flush()
    os._exit(0)  # PyFlink's gateway threads can keep the interpreter alive


if __name__ == "__main__":
    main()
