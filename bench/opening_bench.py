"""Opening: N sealed bids decrypted and verified by the platform, beside raw decryption of the
same bytes with the same keys, for both suites, measured in the same run.

    python bench/opening_bench.py [--bids 500] [--size-mb 10] [--suites gm,intl] [--db URL]

Each suite runs in its own child process with its own fresh database (SQLite file in a
temporary directory, or a fresh PostgreSQL database on the server of ``--db``, dropped
afterwards) and its own test world of ``--bids`` bidders.

Set-up (not measured): each bidder seals one bid of ``--size-mb`` MB of random attachment
(parallel processes: the bidder's machine); the bids are stored through the service path
(``start_upload`` / ``receive_chunk`` / ``complete_upload``, 8 MiB chunks); each bidder's data
key is unwrapped with its own encryption key (the bidder's machine); the clock moves past
the deadline and ``start_opening`` opens the hall.

Timed: every ``release_key`` (ciphertext re-hash, signature, key check, decryption to the
opened tar, commitment, price sheet, ledger) and then ``close_opening`` (record signed and
published): wall time, and per-bid p50/p99.

Baselines, same process, same files, same keys: ``decrypt_stream`` of each container's
stream region to a null sink (raw decryption); a plain read + suite hash of each file.

Goal: opening ≤ 1.5 × raw decryption.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _tender_world import (
    build,
    database,
    fmt_mb,
    free_bytes,
    machine_facts,
    open_lot,
    seal_all,
    setup,
)

CHUNK = 8 * 1024 * 1024
RESULT = "RESULT "


class Null:
    def write(self, data: bytes) -> int:
        return len(data)


def store(world: Any, lot_id: int, files: list[Path]) -> list[int]:
    """Submit each sealed file through the service path; the bidder's copy is then removed."""
    from ggzy.kernel.crypto import read_header
    from ggzy.tendering import services

    ids = []
    for party, path in zip(world.bidders, files, strict=True):
        import base64

        with open(path, "rb") as f:
            sealed = read_header(f)
            size = f.seek(0, os.SEEK_END)
            upload = services.start_upload(
                user=party.user,
                lot_id=lot_id,
                size=size,
                header=base64.b64encode(sealed.header_bytes).decode(),
                signature=base64.b64encode(sealed.signature).decode(),
            )
            f.seek(0)
            offset = 0
            while chunk := f.read(CHUNK):
                services.receive_chunk(
                    user=party.user,
                    token=upload.token,
                    offset=offset,
                    stream=io.BytesIO(chunk),
                    length=len(chunk),
                )
                offset += len(chunk)
        ids.append(services.complete_upload(user=party.user, token=upload.token).pk)
        path.unlink()
    return ids


def raw_decrypt(bids: list[Any], keys: list[bytes]) -> float:
    from ggzy.kernel.crypto import get_suite, parse_header
    from ggzy.kernel.crypto.envelope import STREAM_AAD, _Window
    from ggzy.kernel.crypto.stream import decrypt_stream

    start = time.perf_counter()
    for bid, key in zip(bids, keys, strict=True):
        sealed = parse_header(bytes(bid.header), bytes(bid.signature))
        suite = get_suite(sealed.header.suite)
        with open(bid.file, "rb") as src:
            window = _Window(src, sealed.stream_offset, sealed.header.ciphertext_size)
            decrypt_stream(suite, key, window, Null(), aad=STREAM_AAD)
    return time.perf_counter() - start


def read_hash(bids: list[Any], suite_name: str) -> float:
    from ggzy.kernel.crypto import get_suite

    start = time.perf_counter()
    for bid in bids:
        hasher = get_suite(suite_name).hasher()
        with open(bid.file, "rb") as f:
            while piece := f.read(1 << 20):
                hasher.update(piece)
        hasher.digest()
    return time.perf_counter() - start


def run_suite(args: argparse.Namespace, suite: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix=f"ggzy-opening-{suite}-", dir=args.tmp) as tmp:
        var_dir = Path(tmp) / "var"
        var_dir.mkdir()
        with database(args.db, tmp, f"bench_opening_{suite}") as url:
            setup(url, str(var_dir), suite)
            from ggzy.kernel import clock
            from ggzy.tendering import services
            from ggzy.tendering.bidfile import release_key
            from ggzy.tendering.models import Bid, Lot, Opening

            t0 = time.perf_counter()
            world = build(var_dir, suite, args.bids)
            lot_id, info = open_lot(world)
            world_s = time.perf_counter() - t0
            size = int(args.size_mb * 1e6)
            t0 = time.perf_counter()
            files = seal_all(world, info, Path(tmp) / "sealed", size, args.workers)
            seal_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            bid_ids = store(world, lot_id, files)
            store_s = time.perf_counter() - t0
            bids = [Bid.objects.select_related("signer").get(pk=i) for i in bid_ids]
            total = sum(b.size for b in bids)
            users = [p.user for p in world.bidders]
            # The bidder's machine unwraps its own data key (not measured).
            keys = [
                release_key(bytes(b.header), bytes(b.signature), p.keys["encrypt_key"])
                for b, p in zip(bids, world.bidders, strict=True)
            ]
            deadline = Lot.objects.select_related("project").get(pk=lot_id).project.bid_deadline
            assert deadline is not None
            with clock.use_clock(clock.ManualClock(deadline + timedelta(minutes=1))):
                services.start_opening(lot_id)
                assert Lot.objects.get(pk=lot_id).status == Lot.Status.OPENING
                per_bid = []
                start = time.perf_counter()
                for user, bid, key in zip(users, bids, keys, strict=True):
                    t = time.perf_counter()
                    services.release_key(user=user, bid_id=bid.pk, data_key=key.hex())
                    per_bid.append(time.perf_counter() - t)
                release_s = time.perf_counter() - start
                t = time.perf_counter()
                services.close_opening(user=world.agent.user, lot_id=lot_id)
                close_s = time.perf_counter() - t
                opening_s = time.perf_counter() - start
            statuses = set(Bid.objects.filter(lot_id=lot_id).values_list("status", flat=True))
            assert statuses == {Bid.Status.DECRYPTED}, statuses
            assert Opening.objects.get(lot_id=lot_id).status == Opening.Status.CLOSED
            shutil.rmtree(var_dir / "files" / "tendering" / "opened", ignore_errors=True)
            raw_s = raw_decrypt(bids, keys)
            hash_s = read_hash(bids, suite)
            q = statistics.quantiles(per_bid, n=100) if len(per_bid) > 1 else per_bid * 99
            return {
                "suite": suite,
                "db": url.split(":", 1)[0],
                "bids": len(bids),
                "total": total,
                "world_s": world_s,
                "seal_s": seal_s,
                "store_s": store_s,
                "opening_s": opening_s,
                "release_s": release_s,
                "close_s": close_s,
                "p50_ms": statistics.median(per_bid) * 1000,
                "p99_ms": q[98] * 1000,
                "raw_s": raw_s,
                "hash_s": hash_s,
            }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bids", type=int, default=500)
    parser.add_argument("--size-mb", type=float, default=10)
    parser.add_argument("--suites", default="gm,intl")
    parser.add_argument("--db", default="", help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="sealing")
    parser.add_argument("--tmp", default=None, help="working directory (default: system tmp)")
    parser.add_argument("--child", default="", help=argparse.SUPPRESS)
    args, _ = parser.parse_known_args()
    if args.child:
        print(RESULT + json.dumps(run_suite(args, args.child)), flush=True)
        return 0

    suites = [s for s in args.suites.split(",") if s]
    # Peak disk per suite: the stored ciphertext + the opened plaintext (+ sealing temporaries).
    need = int(2.2 * args.bids * args.size_mb * 1e6)
    free = free_bytes(args.tmp or tempfile.gettempdir())
    if free < need:
        raise SystemExit(
            f"not enough disk: {fmt_mb(need)} MB needed, {fmt_mb(free)} MB free; lower --bids"
        )
    print(machine_facts())
    print(f"bids: {args.bids} × {args.size_mb} MB  suites: {', '.join(suites)}", flush=True)
    results = []
    for suite in suites:
        argv = [sys.executable, __file__, "--child", suite, "--bids", str(args.bids)]
        argv += ["--size-mb", str(args.size_mb), "--workers", str(args.workers)]
        argv += ["--db", args.db] + (["--tmp", args.tmp] if args.tmp else [])
        out = subprocess.run(argv, stdout=subprocess.PIPE, text=True, check=True).stdout
        line = next(x for x in out.splitlines() if x.startswith(RESULT))
        r = json.loads(line[len(RESULT) :])
        results.append(r)
        print(
            f"  {suite}: world {r['world_s']:.0f} s, sealing {r['seal_s']:.0f} s, storing "
            f"{r['store_s']:.0f} s (set-up)",
            flush=True,
        )

    print()
    print(
        f"{'suite':>5} {'db':>8} {'bids':>5} {'total MB':>9} {'read+hash s':>12} "
        f"{'raw decrypt s':>14} {'opening s':>10} {'ratio':>6} {'open MB/s':>10} "
        f"{'raw MB/s':>9} {'p50 ms':>7} {'p99 ms':>7} {'close s':>8}"
    )
    for r in results:
        print(
            f"{r['suite']:>5} {r['db']:>8} {r['bids']:5d} {fmt_mb(r['total']):>9} "
            f"{r['hash_s']:12.2f} {r['raw_s']:14.2f} {r['opening_s']:10.2f} "
            f"{r['opening_s'] / r['raw_s']:5.2f}× {r['total'] / r['opening_s'] / 1e6:10.1f} "
            f"{r['total'] / r['raw_s'] / 1e6:9.1f} {r['p50_ms']:7.1f} {r['p99_ms']:7.1f} "
            f"{r['close_s']:8.2f}"
        )
    print("opening = every release_key + close_opening; goal: opening ≤ 1.5 × raw decrypt")
    return 0


if __name__ == "__main__":
    sys.exit(main())
