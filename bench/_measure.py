"""What every benchmark measures the same way: percentiles, and the raw rate of durable
single-row commits on the database under test (the physical bound of a write path)."""

from __future__ import annotations

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
