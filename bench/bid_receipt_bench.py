"""Bid receipt: many bidders upload sealed bids at once to one lot through the HTTP API of a
real server (``ggzy serve``, uvicorn) on loopback, beside the raw speed of writing and hashing
the same bytes with no web stack, measured in the same run; on the local file store and on an
S3-compatible one (moto's S3 server on loopback, in a process of its own).

    python bench/bid_receipt_bench.py [--bidders 200] [--size-mb 50] [--small-mb 5]
                                      [--suite gm|intl] [--db postgres://…]
                                      [--storage local,s3]

Set-up (not measured): a fresh database (SQLite file in a temporary directory, or a fresh
PostgreSQL database on the server of ``--db``, dropped afterwards), the test world with
``--bidders`` bidders, a works project with its notice published, one API token per bidder,
and one sealed bid per bidder made by that bidder's keys in parallel processes.

Measured, for each size (``--size-mb`` and ``--small-mb``): all bidders start
``ggzy.tendering.client.Client.upload`` at the same moment, each from its own thread
(8 MiB chunks, the server's maximum); per upload the time from start to the signed receipt;
total MB/s = sum of bytes / wall time; the server process's peak RSS (VmHWM from /proc, a
fresh server per size) and its idle RSS before the uploads.

For each file store in ``--storage`` (a fresh lot and freshly sealed bids each, since a lot
takes one bid per bidder): ``local`` stores under the instance directory; ``s3`` runs the
server with ``GGZY_STORAGE=s3`` against a bucket of the loopback S3 server, so every bid is
received into the local spool, verified, then sent to the bucket in 8 MiB parts.

Baseline, same run: for ``local``, read each sealed file and write it to a new file in the
same directory while hashing it with the suite hash (SM3 for gm, SHA-256 for intl); for
``s3``, one plain PUT of each sealed file to the same S3 server (boto3 ``put_object``, no
hashing, no web stack); each with one thread, then with one thread per bidder.

Goal: server ≥ 50 % of raw; peak server memory does not grow with file size.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _measure import free_port
from _tender_world import (
    ROOT,
    build,
    database,
    fmt_mb,
    free_bytes,
    machine_facts,
    open_lot,
    seal_all,
    server_env,
    setup,
)

from tests.fixtures.s3 import start_s3_server

PIECE = 1 << 20
STORES = ("local", "s3")


# --- the baseline ------------------------------------------------------------------------------


def _copy_hash(src: Path, dst: Path, suite: str) -> int:
    from ggzy.kernel.crypto import get_suite

    hasher = get_suite(suite).hasher()
    n = 0
    with open(src, "rb") as f, open(dst, "wb") as out:
        while piece := f.read(PIECE):
            out.write(piece)
            hasher.update(piece)
            n += len(piece)
    hasher.digest()
    return n


def raw_speed(files: list[Path], target: Path, suite: str, threads: int) -> float:
    """MB/s of read + write + hash of ``files`` into ``target`` with ``threads`` threads."""
    target.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        total = sum(pool.map(lambda p: _copy_hash(p, target / p.name, suite), files))
    wall = time.perf_counter() - start
    shutil.rmtree(target)
    return total / wall / 1e6


def raw_s3_speed(files: list[Path], s3: Any, bucket: str, threads: int) -> float:
    """MB/s of one plain PUT per file to ``bucket`` with ``threads`` threads."""
    client = s3.client()

    def put(path: Path) -> int:
        with open(path, "rb") as f:
            client.put_object(Bucket=bucket, Key=f"raw-baseline/{path.name}", Body=f)
        return path.stat().st_size

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        total = sum(pool.map(put, files))
    wall = time.perf_counter() - start
    _empty(s3, bucket)
    return total / wall / 1e6


def _empty(s3: Any, bucket: str) -> None:
    client = s3.client()
    for key in s3.keys(bucket):
        client.delete_object(Bucket=bucket, Key=key)


# --- the server --------------------------------------------------------------------------------


def _status(pid: int) -> dict[str, int]:
    figures = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                figures[key] = int(value.split()[0]) * 1024
    return figures


class Server:
    def __init__(
        self, url: str, var_dir: str, suite: str, log: Path, store: dict[str, str]
    ) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = os.environ | server_env(url, var_dir, suite) | store
        self._log = open(log, "ab")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "ggzy"),
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--no-worker",
            ],
            env=env,
            cwd=ROOT,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 120
        while True:
            if self.proc.poll() is not None:
                raise SystemExit(f"the server exited with {self.proc.returncode}; see {log}")
            try:
                with urllib.request.urlopen(f"{self.base}/api/v1/openapi.json", timeout=5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit(f"the server did not start; see {log}") from None
                time.sleep(0.3)
        self.idle_rss = _status(self.proc.pid)["VmRSS"]
        self.peak_rss = 0
        self._stop = threading.Event()
        self._poller = threading.Thread(target=self._poll, daemon=True)
        self._poller.start()

    def _poll(self) -> None:
        while not self._stop.wait(0.05):
            try:
                self.peak_rss = max(self.peak_rss, _status(self.proc.pid)["VmHWM"])
            except (OSError, KeyError):
                return

    def stop(self) -> None:
        self.peak_rss = max(self.peak_rss, _status(self.proc.pid)["VmHWM"])
        self._stop.set()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._log.close()


# --- one size ----------------------------------------------------------------------------------


def run_size(
    args: argparse.Namespace,
    world: Any,
    tokens: list[str],
    url: str,
    var_dir: Path,
    size: int,
    store: str,
    s3: Any,
) -> dict[str, Any]:
    from django.conf import settings
    from django.db import connections

    from ggzy.tendering.client import Client

    lot_id, info = open_lot(world)
    sealed_dir = var_dir / f"sealed-{size}"
    t0 = time.perf_counter()
    files = seal_all(world, info, sealed_dir, size, args.workers)
    seal_s = time.perf_counter() - t0
    total = sum(p.stat().st_size for p in files)
    print(
        f"  {store}: sealed {len(files)} × {fmt_mb(size)} MB in {seal_s:.0f} s (set-up)",
        flush=True,
    )

    media = Path(settings.MEDIA_ROOT)  # the server's too: same environment
    env: dict[str, str] = {}
    if store == "s3":
        bucket = s3.create_bucket(f"bench-{size}")
        env = s3.env(bucket)
        raw_1 = raw_s3_speed(files, s3, bucket, 1)
        raw_n = raw_s3_speed(files, s3, bucket, len(files))
    else:
        raw_1 = raw_speed(files, media / "raw-baseline", args.suite, 1)
        raw_n = raw_speed(files, media / "raw-baseline", args.suite, len(files))

    connections.close_all()
    server = Server(url, str(var_dir), args.suite, var_dir / "server.log", env)
    times: list[float] = [0.0] * len(files)
    errors: list[str] = []
    gate = threading.Barrier(len(files) + 1)

    def one(i: int) -> None:
        client = Client(server.base, tokens[i], timeout=args.timeout)
        gate.wait()
        start = time.perf_counter()
        try:
            client.upload(files[i], lot_id)
        except Exception as exc:  # report every failure, do not hide it
            errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            client.close()
        times[i] = time.perf_counter() - start

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(files))]
    for t in threads:
        t.start()
    gate.wait()
    start = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    server.stop()
    shutil.rmtree(sealed_dir, ignore_errors=True)
    shutil.rmtree(media / "tendering" / "bids", ignore_errors=True)
    if store == "s3":
        stored = [k for k in s3.keys(bucket) if k.startswith("tendering/bids/")]
        if len(stored) != len(files) - len(errors):
            errors.append(f"{len(stored)} bids in the bucket, {len(files)} uploaded")
        _empty(s3, bucket)
    q = statistics.quantiles(times, n=100) if len(times) > 1 else times * 99
    return {
        "store": store,
        "size": size,
        "n": len(files),
        "total": total,
        "raw_1": raw_1,
        "raw_n": raw_n,
        "server": total / wall / 1e6,
        "wall": wall,
        "p50": statistics.median(times),
        "p99": q[98],
        "max": max(times),
        "idle_rss": server.idle_rss,
        "peak_rss": server.peak_rss,
        "errors": errors,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bidders", type=int, default=200)
    parser.add_argument("--size-mb", type=float, default=50)
    parser.add_argument("--small-mb", type=float, default=5, help="second, smaller size (0: skip)")
    parser.add_argument("--suite", choices=["gm", "intl"], default="gm")
    parser.add_argument("--db", default="", help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="sealing")
    parser.add_argument("--timeout", type=float, default=900.0, help="client socket timeout")
    parser.add_argument("--tmp", default=None, help="working directory (default: system tmp)")
    parser.add_argument(
        "--storage", default="local,s3", help="file stores to measure: local, s3 or both"
    )
    args, _ = parser.parse_known_args()
    sizes = [int(args.size_mb * 1e6)] + ([int(args.small_mb * 1e6)] if args.small_mb else [])
    stores = [s.strip() for s in args.storage.split(",") if s.strip()]
    if not stores or set(stores) - set(STORES):
        raise SystemExit(f"--storage takes {' and '.join(STORES)}, not {args.storage!r}")

    with tempfile.TemporaryDirectory(prefix="ggzy-receipt-", dir=args.tmp) as tmp:
        # Peak disk: sealed files + the server's copies (the S3 server's on this disk too) +
        # one raw-baseline copy.
        need = int(3.1 * args.bidders * max(sizes))
        if free_bytes(tmp) < need:
            raise SystemExit(
                f"not enough disk: {fmt_mb(need)} MB needed, {fmt_mb(free_bytes(tmp))} MB free; "
                "lower --bidders or --size-mb"
            )
        var_dir = Path(tmp) / "var"
        var_dir.mkdir()
        with database(args.db, tmp, "bench_receipt") as url:
            setup(url, str(var_dir), args.suite)
            from ggzy.accounts.services import create_token

            t0 = time.perf_counter()
            world = build(var_dir, args.suite, args.bidders)  # CA in GGZY_CA_DIR
            tokens = [
                create_token(user=p.user, name="bench", scopes=["write"], days=30)[1]
                for p in world.bidders
            ]
            print(machine_facts())
            print(
                f"database: {url.split(':', 1)[0]}  suite: {args.suite}  bidders: {args.bidders}"
                f"  (world built in {time.perf_counter() - t0:.0f} s)",
                flush=True,
            )
            s3 = start_s3_server() if "s3" in stores else None
            try:
                results = [
                    run_size(args, world, tokens, url, var_dir, size, store, s3)
                    for size in sizes
                    for store in stores
                ]
            finally:
                if s3 is not None:
                    s3.stop()

    print()
    print("raw: local = copy + suite hash on the same disk; s3 = plain PUT to the same server")
    print(
        f"{'store':>6} {'size MB':>8} {'bids':>5} {'total MB':>9} {'raw 1t MB/s':>12} "
        f"{'raw Nt MB/s':>12} {'server MB/s':>12} {'vs raw 1t':>10} {'vs raw Nt':>10} "
        f"{'p50 s':>7} {'p99 s':>7} {'idle RSS MB':>12} {'peak RSS MB':>12}"
    )
    for r in results:
        print(
            f"{r['store']:>6} {r['size'] / 1e6:8.1f} {r['n']:5d} {fmt_mb(r['total']):>9} "
            f"{r['raw_1']:12.1f} {r['raw_n']:12.1f} {r['server']:12.1f} "
            f"{r['server'] / r['raw_1']:10.0%} {r['server'] / r['raw_n']:10.0%} "
            f"{r['p50']:7.1f} {r['p99']:7.1f} "
            f"{r['idle_rss'] / 1e6:12.0f} {r['peak_rss'] / 1e6:12.0f}"
        )
    for r in results:
        if r["errors"]:
            print(f"  {r['store']} {r['size'] / 1e6:.1f} MB: {len(r['errors'])} failures, first: ")
            print(f"    {r['errors'][0]}")
    print("goal: server ≥ 50 % of raw; peak RSS not growing with file size")
    return 0


if __name__ == "__main__":
    sys.exit(main())
