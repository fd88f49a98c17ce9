"""What every benchmark measures the same way: percentiles, and the raw rate of durable
single-row commits on the database under test (the physical bound of a write path)."""

from __future__ import annotations

import os
import socket
import statistics
import time


def pct(values: list[float], q: int) -> float:
    """The q-th percentile (q in 1..99) of seconds, in milliseconds."""
    if len(values) == 1:
        return values[0] * 1000
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000


def baseline_commits(n: int) -> list[float]:
    """``n`` transactions of one 200-byte INSERT each, through Django's connection (so with
    the platform's settings: SQLite synchronous=FULL, PostgreSQL's fsync): their times."""
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_raw")
        cursor.execute("CREATE TABLE bench_raw (id integer primary key, body text)")
    times = []
    for i in range(n):
        start = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("INSERT INTO bench_raw (id, body) VALUES (%s, %s)", [i, "x" * 200])
        times.append(time.perf_counter() - start)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_raw")
    return times


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux), 0 where /proc is missing."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
