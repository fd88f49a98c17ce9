"""Ledger append rate (one durable commit per entry) beside the raw single-row commit rate of
the same database in the same run.

    python bench/ledger_bench.py [--n 2000] [--pg postgres://127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))


def setup(url: str, var_dir: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["GGZY_VAR_DIR"] = var_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ggzy.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def measure(n: int) -> dict[str, float]:
    from django.db import connection, transaction

    from ggzy.core.selectors import verify_ledger
    from ggzy.core.services import record

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_raw")
        cursor.execute("CREATE TABLE bench_raw (id integer primary key, body text)")
    raw_times = []
    for i in range(n):
        start = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("INSERT INTO bench_raw (id, body) VALUES (%s, %s)", [i, "x" * 200])
        raw_times.append(time.perf_counter() - start)
    ledger_times = []
    for i in range(n):
        start = time.perf_counter()
        with transaction.atomic():
            record("bench.event", subject=f"bench:{i}", payload={"i": i, "note": "x" * 150})
        ledger_times.append(time.perf_counter() - start)
    start = time.perf_counter()
    report = verify_ledger()
    verify_s = time.perf_counter() - start
    assert report.ok, report.problem
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_raw")
    return {
        "raw_commits_per_s": n / sum(raw_times),
        "ledger_appends_per_s": n / sum(ledger_times),
        "ledger_p99_ms": statistics.quantiles(ledger_times, n=100)[98] * 1000,
        "raw_p99_ms": statistics.quantiles(raw_times, n=100)[98] * 1000,
        "verify_entries_per_s": report.checked / verify_s,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--db", default="", help="database URL (default: a fresh SQLite file)")
    args, _ = parser.parse_known_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{tmp}/bench.sqlite3"
        setup(url, tmp)
        figures = measure(args.n)
    suite = os.environ.get("GGZY_CRYPTO_SUITE", "gm")
    raw, appends = figures["raw_commits_per_s"], figures["ledger_appends_per_s"]
    print(f"database: {url.split(':', 1)[0]}  entries: {args.n}  suite: {suite}")
    print(f"  raw single-row commits/s   {raw:10.0f}   p99 {figures['raw_p99_ms']:.2f} ms")
    print(
        f"  ledger appends/s           {appends:10.0f}   p99 {figures['ledger_p99_ms']:.2f} ms"
        f"   ({appends / raw:.0%} of raw)"
    )
    print(f"  ledger verify entries/s    {figures['verify_entries_per_s']:10.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
