#!/usr/bin/env python3
"""Kafka figures of Rivulet: source throughput and end-to-end latency, against `rivulet dev kafka`.

  throughput  N JSON events are put into a 12-partition topic (with kcat), then
              `rivulet run throughput.sql` reads them all (bounded), filters out a third and
              writes the rest to a fresh 12-partition topic per run, whose message count is
              checked; events/s = N / wall time of the run (start-up included), median of
              --runs runs. The mock brokers keep only about 5 MB per partition (older messages
              are dropped, as by retention), which bounds N to about 600,000.
  latency     `rivulet run latency.sql` reads the topic unbounded and writes every event to an
              output topic; kcat produces events at a fixed rate (--rate per second for
              --seconds), each carrying the microsecond it was handed to kcat, and a kcat
              consumer of the output topic stamps each on arrival. Latency = arrival - send, so
              it includes both kcat hops and the broker; p50/p99/max over all events after the
              first second.

Usage: benchmarks/kafka/bench.py [--bin .build-release/release/rivulet] [--events 1000000]
                                 [--runs 3] [--rate 10000] [--seconds 20]
Needs kcat (Debian package `kcat`). Prints a Markdown summary for BENCHMARKS.md.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))


PARTITIONS = 12


def start_broker(binary, runs):
    topics = [f"events:{PARTITIONS}", "live:3", "echo:3"] + [f"kept{run}:{PARTITIONS}" for run in range(runs)]
    broker = subprocess.Popen([binary, "dev", "kafka"] + [arg for topic in topics for arg in ("--topic", topic)],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    address = broker.stdout.readline().strip()
    if not address:
        sys.exit("rivulet dev kafka printed no address")
    return broker, address


def fill(address, events):
    """Writes `events` JSON events round-robin over the partitions with kcat."""
    for partition in range(PARTITIONS):
        with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
            for i in range(partition, events, PARTITIONS):
                f.write('{"id":%d,"account":"a%d","amount":%d,"ts":"2024-05-01 00:%02d:%02d.000"}\n'
                        % (i, i % 1000, (i * 7919) % 10000, (i // 60000) % 60, (i // 1000) % 60))
            path = f.name
        with open(path) as data:
            subprocess.run(["kcat", "-P", "-b", address, "-t", "events", "-p", str(partition),
                            "-X", "queue.buffering.max.messages=1000000"], stdin=data, check=True)
        os.unlink(path)


def count(address, topic):
    """Messages in `topic`, read to its end with kcat."""
    out = subprocess.run(["kcat", "-C", "-b", address, "-t", topic, "-e", "-q", "-f", "x\\n"],
                         check=True, capture_output=True, text=True).stdout
    return out.count("x")


def throughput(binary, address, events, runs):
    rates = []
    expected = sum(1 for i in range(events) if i % 3 != 0)
    for run in range(runs):
        with tempfile.TemporaryDirectory() as data:
            started = time.monotonic()
            subprocess.run([binary, "run", os.path.join(HERE, "throughput.sql"), "-D", f"KAFKA={address}",
                            "-D", f"OUT=kept{run}", "--data-dir", data], check=True, stderr=subprocess.DEVNULL)
            rates.append(events / (time.monotonic() - started))
        written = count(address, f"kept{run}")
        if written != expected:
            sys.exit(f"run {run + 1} wrote {written} messages, expected {expected}")
    return rates


def latency(binary, address, rate, seconds):
    query = subprocess.Popen([binary, "run", os.path.join(HERE, "latency.sql"), "-D", f"KAFKA={address}"],
                             stderr=subprocess.DEVNULL)
    consumer = subprocess.Popen(["kcat", "-C", "-u", "-b", address, "-t", "echo", "-o", "end", "-f", "%s\n",
                                 "-X", "fetch.wait.max.ms=5"],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    arrivals = []

    def receive():
        for line in consumer.stdout:
            now = time.time_ns() // 1000
            try:
                arrivals.append((json.loads(line)["sent_us"], now))
            except (ValueError, KeyError):
                pass

    reader = threading.Thread(target=receive, daemon=True)
    reader.start()
    time.sleep(2)  # the query and the consumer are assigned their partitions
    producer = subprocess.Popen(["kcat", "-P", "-b", address, "-t", "live", "-X", "linger.ms=1"],
                                stdin=subprocess.PIPE, text=True, bufsize=1)
    total = rate * seconds
    started = time.monotonic()
    # Events go out in slices of 1 ms, so the rate holds without a sleep per event.
    sent = 0
    while sent < total:
        due = min(total, int((time.monotonic() - started) * rate) + 1)
        while sent < due:
            producer.stdin.write('{"id":%d,"sent_us":%d}\n' % (sent, time.time_ns() // 1000))
            sent += 1
        producer.stdin.flush()
        time.sleep(0.001)
    producer.stdin.close()
    producer.wait()
    deadline = time.monotonic() + 10
    while len(arrivals) < total and time.monotonic() < deadline:
        time.sleep(0.1)
    query.kill()
    consumer.kill()
    query.wait()
    first = min(sent for sent, _ in arrivals) if arrivals else 0
    samples = sorted((got - sent) / 1000 for sent, got in arrivals if sent - first >= 1_000_000)
    return len(arrivals), total, samples


def percentile(samples, p):
    return samples[min(len(samples) - 1, int(len(samples) * p))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=os.path.join(HERE, "../../.build/release/rivulet"))
    parser.add_argument("--events", type=int, default=480_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rate", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, default=20)
    args = parser.parse_args()
    broker, address = start_broker(args.bin, args.runs)
    try:
        fill(address, args.events)
        stored = count(address, "events")
        if stored != args.events:
            sys.exit(f"the topic holds {stored} of {args.events} events: the mock brokers dropped the oldest; use fewer")
        rates = throughput(args.bin, address, args.events, args.runs)
        received, total, samples = latency(args.bin, address, args.rate, args.seconds)
    finally:
        broker.kill()
    load = os.getloadavg()
    print(f"- Throughput ({args.events} events in {PARTITIONS} partitions, {args.runs} runs, every message written counted): median "
          f"{statistics.median(rates):,.0f} events/s (min {min(rates):,.0f}, max {max(rates):,.0f})")
    if samples:
        print(f"- Latency at {args.rate} events/s for {args.seconds} s ({received} of {total} events arrived): "
              f"p50 {percentile(samples, 0.5):.1f} ms, p99 {percentile(samples, 0.99):.1f} ms, max {samples[-1]:.1f} ms")
    else:
        print(f"- Latency: no events arrived ({received} of {total})")
    print(f"- Load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
