#!/usr/bin/env python3
"""Soak test of `rivulet serve` under load, crashes and a stalled client.

A Kafka topic (`rivulet dev kafka`) is fed at a fixed rate; three persistent queries write it
into Postgres and SQLite and a fourth keeps a materialized table; client threads run pull and
push queries against that table over psycopg; one raw client starts a push query over the topic
and never reads; every --kill-every seconds the server is SIGKILLed and started again on the same
data directory. At the end the sinks must hold exactly what the produced events say (an
uninterrupted run's rows), the server's resident memory must be flat after warm-up, and no
client may have seen an error other than losing its connection to a server being restarted.

    python3 soak/soak.py --rivulet .build/debug/rivulet --minutes 3 --kill-every 45

Prints a summary as JSON and exits 1 when a check fails.
"""

import argparse
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import struct
import subprocess
import sys
import tempfile
import threading
import time

import psycopg

ACCOUNTS = [f"acct{i}" for i in range(40)]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise RuntimeError(f"timed out after {seconds} s waiting for {what}")


class Postgres:
    """A throwaway Postgres on a free port (as the `postgres` user when run as root)."""

    def __init__(self, folder):
        versions = sorted(os.listdir("/usr/lib/postgresql"), key=lambda v: -int(v) if v.isdigit() else 0)
        self.bin = f"/usr/lib/postgresql/{versions[0]}/bin"
        self.folder = folder
        self.port = free_port()
        os.makedirs(folder, exist_ok=True)
        if os.getuid() == 0:
            shutil.chown(folder, "postgres")
        self.tool("initdb", "-D", f"{folder}/data", "-A", "trust", "-U", "rivulet", "-E", "UTF8", "--no-sync")
        self.tool("pg_ctl", "-D", f"{folder}/data", "-l", f"{folder}/log", "-w",
                  "-o", f"-p {self.port} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off", "start")
        self.url = f"postgresql://rivulet@127.0.0.1:{self.port}/postgres"

    def tool(self, name, *arguments):
        command = [f"{self.bin}/{name}", *arguments]
        if os.getuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True)

    def rows(self, sql):
        with psycopg.connect(self.url, autocommit=True) as conn:
            return conn.execute(sql).fetchall()

    def stop(self):
        self.tool("pg_ctl", "-D", f"{self.folder}/data", "-m", "immediate", "-w", "stop")


class Server:
    """`rivulet serve` on fixed ports, killed and started again on the same data directory."""

    def __init__(self, binary, folder):
        self.binary = binary
        self.folder = folder
        self.pg_port = free_port()
        self.http_port = free_port()
        self.process = None
        self.starts = 0

    def start(self):
        self.starts += 1
        log = open(f"{self.folder}/serve-{self.starts}.log", "w")
        self.process = subprocess.Popen(
            [self.binary, "serve", "--data-dir", f"{self.folder}/data", "--pg-port", str(self.pg_port),
             "--http-port", str(self.http_port)],
            cwd=self.folder, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        path = f"{self.folder}/serve-{self.starts}.log"
        wait_for(lambda: "pgwire listening" in open(path).read() or self.process.poll() is not None, 60, "rivulet serve to listen")
        if self.process.poll() is not None:
            raise RuntimeError(f"rivulet serve exited: {open(path).read()}")

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def rss_mib(self):
        try:
            with open(f"/proc/{self.process.pid}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1]) / 1024
        except FileNotFoundError:
            return None
        return None

    def connect(self, user="soak"):
        return psycopg.connect(host="127.0.0.1", port=self.pg_port, user=user, dbname="rivulet", autocommit=True,
                               connect_timeout=10)


class Producer(threading.Thread):
    """Events at a fixed rate through one long-lived kcat, keyed by account (so partitioned by it)."""

    def __init__(self, broker, rate):
        super().__init__(daemon=True)
        self.broker = broker
        self.rate = rate
        self.events = []
        self.stopping = threading.Event()

    def run(self):
        kcat = subprocess.Popen(["kcat", "-P", "-b", self.broker, "-t", "payments", "-K", "|"],
                                stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True)
        generator = random.Random(7)
        started = time.monotonic()
        while not self.stopping.is_set():
            due = int((time.monotonic() - started) * self.rate) - len(self.events)
            for _ in range(max(0, due)):
                event = (len(self.events) + 1, generator.choice(ACCOUNTS), generator.randrange(1, 1000))
                self.events.append(event)
                value = json.dumps({"id": event[0], "account": event[1], "amount": event[2]})
                kcat.stdin.write(f"{event[1]}|{value}\n")
            kcat.stdin.flush()
            time.sleep(0.05)
        kcat.stdin.close()
        kcat.wait()


class Clients:
    """Threads running pull and push queries; errors are expected only while the server restarts."""

    def __init__(self, server, count):
        self.server = server
        self.count = count
        self.stopping = threading.Event()
        self.restarting = threading.Event()
        self.lock = threading.Lock()
        self.queries = 0
        self.expected_errors = 0
        self.unexpected = []
        self.threads = [threading.Thread(target=self.work, args=(i,), daemon=True) for i in range(count)]

    def start(self):
        for thread in self.threads:
            thread.start()

    def work(self, number):
        generator = random.Random(number)
        while not self.stopping.is_set():
            try:
                with self.server.connect() as conn:
                    for _ in range(20):
                        if self.stopping.is_set():
                            return
                        account = generator.choice(ACCOUNTS)
                        if generator.random() < 0.7:
                            conn.execute(f"SELECT account, n FROM live WHERE account = '{account}'").fetchall()
                        else:
                            with conn.cursor() as cursor:
                                cursor.execute("SELECT account, n FROM live EMIT CHANGES LIMIT 3")
                                cursor.fetchall()
                        with self.lock:
                            self.queries += 1
                        time.sleep(generator.uniform(0.05, 0.3))
            except psycopg.OperationalError as error:
                # Losing the connection, or not getting one, is expected only around a restart.
                with self.lock:
                    if self.restarting.is_set() or "connection" in str(error).lower() or "closed" in str(error).lower():
                        self.expected_errors += 1
                    else:
                        self.unexpected.append(str(error))
                time.sleep(0.5)
            except Exception as error:  # noqa: BLE001 - every other error is a finding
                with self.lock:
                    self.unexpected.append(f"{type(error).__name__}: {error}")
                time.sleep(0.5)


def stalled_client(port):
    """A client that starts a push query over the whole topic and never reads what it sends."""
    sock = socket.create_connection(("127.0.0.1", port))
    parameters = b"user\0stalled\0database\0rivulet\0\0"
    sock.sendall(struct.pack("!II", 8 + len(parameters), 196608) + parameters)
    received = b""
    while b"Z\0\0\0\x05" not in received:
        chunk = sock.recv(65536)
        if not chunk:
            raise RuntimeError("the server closed the stalled client's connection during startup")
        received += chunk
    query = b"SELECT id, account, amount FROM payments EMIT CHANGES\0"
    sock.sendall(b"Q" + struct.pack("!I", 4 + len(query)) + query)
    return sock


def check_sinks(pg, server, database, events):
    expected = {}
    for _, account, amount in events:
        n, total = expected.get(account, (0, 0))
        expected[account] = (n + 1, total + amount)
    big = {(i, a, m) for i, a, m in events if m >= 900}
    findings = {}
    try:
        pg_rows = {a: (n, t) for a, n, t in pg.rows("SELECT account, n, total FROM pg_totals")}
    except psycopg.Error as error:
        pg_rows = {"error": str(error)}
    findings["postgres totals"] = pg_rows == expected
    with sqlite3.connect(database) as lite:
        lite_rows = {a: (n, t) for a, n, t in lite.execute("SELECT account, n, total FROM lite_totals")}
        big_rows = set(lite.execute("SELECT id, account, amount FROM lite_big"))
    findings["sqlite totals"] = lite_rows == expected
    findings["sqlite big payments"] = big_rows == big
    with server.connect() as conn:
        live = {a: n for a, n in conn.execute("SELECT account, n FROM live").fetchall()}
    findings["materialized table"] = live == {a: n for a, (n, _) in expected.items()}
    return findings


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rivulet", required=True, help="the rivulet binary")
    parser.add_argument("--minutes", type=float, default=3)
    parser.add_argument("--kill-every", type=float, default=45, help="seconds between SIGKILLs of the server")
    parser.add_argument("--rate", type=int, default=200, help="events per second")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--warm-up", type=float, default=20, help="seconds after each start before memory counts")
    parser.add_argument("--max-growth-mib", type=float, default=64,
                        help="allowed growth of resident memory within one run of the server after warm-up")
    arguments = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="rivulet-soak-")
    binary = os.path.abspath(arguments.rivulet)
    broker = subprocess.Popen([binary, "dev", "kafka", "--topic", "payments:3"], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True)
    address = broker.stdout.readline().strip()
    pg = Postgres(tempfile.mkdtemp(prefix="rivulet-soak-pg-"))
    server = Server(binary, folder)
    database = f"{folder}/soak.db"
    producer = clients = None
    samples = []
    summary = {}
    try:
        server.start()
        kafka = (f"'connector' = 'kafka', 'topic' = 'payments', 'format' = 'json', "
                 f"'properties.bootstrap.servers' = '{address}', 'scan.startup.mode' = 'earliest-offset'")
        with server.connect() as conn:
            for statement in [
                f"CREATE STREAM payments (id BIGINT, account VARCHAR, amount BIGINT) WITH ({kafka})",
                "CREATE TABLE pg_totals (account VARCHAR, n BIGINT, total BIGINT, PRIMARY KEY (account) NOT ENFORCED) "
                f"WITH ('connector' = 'postgres', 'url' = '{pg.url}', 'table' = 'pg_totals')",
                "CREATE TABLE lite_totals (account VARCHAR, n BIGINT, total BIGINT, PRIMARY KEY (account) NOT ENFORCED) "
                f"WITH ('connector' = 'sqlite', 'path' = '{database}', 'table' = 'lite_totals')",
                "CREATE TABLE lite_big (id BIGINT, account VARCHAR, amount BIGINT, PRIMARY KEY (id) NOT ENFORCED) "
                f"WITH ('connector' = 'sqlite', 'path' = '{database}', 'table' = 'lite_big')",
                "INSERT INTO pg_totals SELECT account, COUNT(*), SUM(amount) FROM payments GROUP BY account",
                "INSERT INTO lite_totals SELECT account, COUNT(*), SUM(amount) FROM payments GROUP BY account",
                "INSERT INTO lite_big SELECT id, account, amount FROM payments WHERE amount >= 900",
                "CREATE TABLE live AS SELECT account, COUNT(*) AS n FROM payments GROUP BY account",
            ]:
                conn.execute(statement)
        producer = Producer(address, arguments.rate)
        producer.start()
        clients = Clients(server, arguments.clients)
        clients.start()
        stalled = stalled_client(server.pg_port)

        started = time.monotonic()
        last_start = started
        end = started + arguments.minutes * 60
        kills = 0
        while time.monotonic() < end:
            time.sleep(1)
            rss = server.rss_mib()
            if rss is not None:
                samples.append((server.starts, time.monotonic() - last_start, rss))
            if time.monotonic() - last_start >= arguments.kill_every and end - time.monotonic() > arguments.kill_every / 2:
                clients.restarting.set()
                server.kill()
                kills += 1
                server.start()
                last_start = time.monotonic()
                stalled.close()
                stalled = stalled_client(server.pg_port)
                time.sleep(2)
                clients.restarting.clear()

        producer.stopping.set()
        producer.join()
        clients.stopping.set()
        for thread in clients.threads:
            thread.join(timeout=30)
        stalled.close()

        # The sinks catch up with every produced event, each counted once.
        findings = {}

        def caught_up():
            nonlocal findings
            try:
                findings = check_sinks(pg, server, database, producer.events)
            except (psycopg.Error, sqlite3.Error) as error:
                findings = {"sinks readable": False, "why": f"{type(error).__name__}: {error}".strip()}
                return False
            return all(findings.values())

        try:
            wait_for(caught_up, 120, "the sinks to hold every produced event")
        except RuntimeError:
            pass

        # What the server says of its queries (a failed one no restart brought back), and
        # whether it is still there: something else may have stopped it.
        exited = server.process.poll()
        try:
            with server.connect() as conn:
                queries = [" | ".join(str(value) for value in row) for row in conn.execute("SHOW QUERIES").fetchall()]
        except psycopg.Error as error:
            queries = [f"SHOW QUERIES failed: {error}".strip()]

        growth = {}
        for start in sorted({s for s, _, _ in samples}):
            after = [rss for s, t, rss in samples if s == start and t >= arguments.warm_up]
            if len(after) >= 6:
                third = max(1, len(after) // 3)
                growth[start] = round(max(after[-third:]) - max(after[:third]), 1)
        memory_flat = all(value <= arguments.max_growth_mib for value in growth.values())
        summary = {
            "minutes": arguments.minutes,
            "events produced": len(producer.events),
            "server kills": kills,
            "client queries": clients.queries,
            "client errors around restarts": clients.expected_errors,
            "unexpected client errors": clients.unexpected[:20],
            "sinks": findings,
            "queries": queries,
            "server exited before the end": exited is not None,
            "peak rss MiB": round(max((rss for _, _, rss in samples), default=0), 1),
            "rss growth after warm-up per server run MiB": growth,
            "memory flat": memory_flat,
        }
        print(json.dumps(summary, indent=2))
        ok = (findings and all(findings.values()) and not clients.unexpected and memory_flat and kills > 0
              and exited is None)
        return 0 if ok else 1
    finally:
        if producer is not None:
            producer.stopping.set()
        if clients is not None:
            clients.stopping.set()
        if server.process is not None and server.process.poll() is None:
            server.kill()
        broker.kill()
        try:
            pg.stop()
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(pg.folder, ignore_errors=True)
        if not summary or os.environ.get("RIVULET_SOAK_KEEP") is None:
            shutil.rmtree(folder, ignore_errors=True)
        else:
            print(f"kept the server's folder (data directory, soak.db, serve-N.log): {folder}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
