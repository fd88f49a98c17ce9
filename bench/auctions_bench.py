"""The bidding hall under load, beside the raw durable commit rate of the same database.

(a) One auction, ``--bidders`` connected bidders bidding as fast as they can (each keeps
one bid in flight; ``--pace N`` instead has each bid N times a second, at a random phase,
to measure the answer and lag times at a given load rather than at saturation) and
``--watchers`` watchers; (b) ``--auctions`` auctions at once with ``--per-auction`` bidders
each (the bidders are also the watchers of their auction). For each: accepted bids per
second (every one committed, with its ledger entry, before its answer), p50/p99 time from
sending a bid to its answer, and p99 time from a bid's acceptance until every watcher of
its auction has shown it (updates are coalesced to ≤ 1 per 50 ms). Afterwards the history
is checked against the answers and the ledger: no acknowledged bid lost, none duplicated.

The servers are real: ``--processes`` uvicorn processes of ``ggzy.asgi:application`` (more
than one share a Redis channel layer at ``--redis``). The clients are other processes on
the same machine (loopback), running minimal asyncio WebSocket clients (``_ws_client.py``:
they share the cores with the server, so they must cost little). A bidder bids a price
derived from the clock (start + increment × microseconds since the start), so concurrent
bids are mostly in ascending order; a bid overtaken by a higher one before its turn is
refused with a reason and counted as refused.

    python bench/auctions_bench.py                      # SQLite file
    python bench/auctions_bench.py --db postgres://127.0.0.1:5432/test
    python bench/auctions_bench.py --case a --pace 4    # 500 × 4 = 2,000 bids/s offered
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _measure import baseline_commits, cpu_seconds, free_port, pct
from _tender_world import ROOT, build, database, machine_facts, server_env, setup
from _ws_client import Client

SUITE = "intl"
SAMPLE = 500  # bids per case whose watcher lag is computed (spread evenly)


# --- the set-up (not measured) ---------------------------------------------------------------


def make_auctions(world: Any, count: int, bidders: int) -> list[dict[str, Any]]:
    """``count`` land listings in their listing period, ``bidders`` qualified in each (the
    world's first bidders), and a session per bidder: what the clients need."""
    from django.contrib.sessions.backends.db import SessionStore

    from ggzy.auctions import services
    from ggzy.kernel import clock

    real_now = clock.now()
    parties = world.bidders[:bidders]
    sessions = {}
    for party in parties:
        store = SessionStore()
        store["_auth_user_id"] = str(party.user.pk)
        store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        store["_auth_user_hash"] = party.user.get_session_auth_hash()
        store.create()
        sessions[party.user.pk] = store.session_key
    out = []
    staff = world.centre_staff
    with clock.use_clock(clock.ManualClock(real_now - timedelta(days=30))):
        for n in range(count):
            auction = services.register_auction(
                user=staff,
                data={
                    "trade_type": "land_use",
                    "method": "listing",
                    "title": f"压力测试地块{n + 1:03d}",
                    "transferor_uscc": world.initiator.entity.uscc,
                    "centre": world.centre.pk,
                    "supervisor": world.housing.pk,
                    "region": world.city.pk,
                    "start_price": "1000000.00",
                    "increment": "0.01",
                    "deposit": "1000.00",
                    "starts_at": real_now - timedelta(minutes=1),
                    "free_ends_at": real_now + timedelta(days=11),
                },
            )
            services.announce(user=staff, auction_id=auction.pk)
            for party in parties:
                reg = services.apply(user=party.user, auction_id=auction.pk)
                services.review(user=staff, registration_id=reg.pk, accept=True)
                services.confirm_deposit(
                    user=staff,
                    registration_id=reg.pk,
                    kind="transfer",
                    amount="1000.00",
                    reference=f"B{reg.pk}",
                )
            out.append(
                {
                    "id": auction.pk,
                    "code": auction.code,
                    "sessions": [sessions[p.user.pk] for p in parties],
                }
            )
    return out


class Servers:
    """``ggzy serve --no-worker`` processes, as in production (the scheduler is not needed:
    the bench's auctions stay in their listing period)."""

    def __init__(self, url: str, var_dir: str, processes: int, redis: str) -> None:
        from django.db import connections

        connections.close_all()
        env = os.environ | server_env(url, var_dir, SUITE) | {"PYTHONPATH": str(ROOT / "src")}
        env["GGZY_DEBUG"] = "0"
        if processes > 1:
            env["REDIS_URL"] = redis
        self.ports = [free_port() for _ in range(processes)]
        ggzy = str(Path(sys.executable).parent / "ggzy")
        self.procs = [
            subprocess.Popen(
                [ggzy, "serve", "--host", "127.0.0.1", "--port", str(p), "--no-worker"],
                env=env,
                stdout=open(Path(var_dir) / f"server-{p}.log", "wb"),  # noqa: SIM115
                stderr=subprocess.STDOUT,
            )
            for p in self.ports
        ]
        for port, proc in zip(self.ports, self.procs, strict=True):
            _wait(port, proc)

    def cpu(self) -> float:
        return sum(cpu_seconds(p.pid) for p in self.procs)

    def stop(self) -> None:
        for proc in self.procs:
            proc.terminate()
            proc.wait(30)


def _wait(port: int, proc: subprocess.Popen[bytes]) -> None:
    import socket

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server on {port} exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"the server on {port} did not start")


# --- the clients (separate processes) --------------------------------------------------------


async def _open(host: str, auction: int, session: str | None, *on: Any) -> Client:
    headers = {"Origin": f"http://{host}"}
    if session:
        headers["Cookie"] = f"sessionid={session}"
    for attempt in range(50):
        try:
            return await Client.connect(host, f"/ws/auctions/{auction}/hall/", headers, *on)
        except (OSError, ConnectionError):
            await asyncio.sleep(0.1 * attempt)
    raise SystemExit(f"cannot connect to {host}")


def _state_seq(text: str) -> int:
    """The live state's sequence, the first ``"seq":`` of a message (no full parse)."""
    at = text.find('"seq": ')
    if at < 0:
        return -1
    end = at + 7
    while text[end].isdigit():
        end += 1
    return int(text[at + 7 : end])


async def _bidder(job: dict[str, Any], host: str, auction: int, session: str, name: str) -> Any:
    loop = asyncio.get_running_loop()
    seen: list[tuple[int, float]] = []  # (state seq, time) of the updates this socket got
    first: asyncio.Future[dict[str, Any]] = loop.create_future()
    waiting: dict[str | None, asyncio.Future[dict[str, Any]]] = {}

    def on_text(text: str) -> None:
        if text.startswith('{"type": "update"'):
            seen.append((_state_seq(text), time.time()))
            return
        message = json.loads(text)
        if not first.done():
            first.set_result(message)
            return
        key = message.get("key")
        future = waiting.pop(key if key in waiting else next(iter(waiting), None), None)
        if future is not None:
            future.set_result(message)

    def on_lost() -> None:  # the server dropped the socket: the run fails, loudly
        for future in [first, *waiting.values()]:
            if not future.done():
                future.set_exception(ConnectionError(f"{name}: the server dropped the socket"))

    ws = await _open(host, auction, session, on_text, on_lost)
    state = (await first)["state"]
    start, increment = state["minimum_next"], state["increment"]
    answers = []
    await job["ready"]()
    origin_us, ends, pace = job["origin_us"], job["ends"], job["pace"]
    began = time.time() + (random.random() / pace if pace else 0)
    n = 0
    while time.time() < ends:
        if pace and (wait := began + n / pace - time.time()) > 0:
            await asyncio.sleep(wait)
        amount = start + increment * (time.time_ns() // 1000 - origin_us)
        key = f"{name}-{n}"
        n += 1
        waiting[key] = answer = loop.create_future()
        sent = time.perf_counter()
        ws.send(json.dumps({"type": "bid", "amount": f"{amount / 100:.2f}", "key": key}))
        message = await answer
        answers.append(
            (message["type"], time.perf_counter() - sent, message.get("seq"), message.get("at"),
             key, message.get("code"))
        )  # fmt: skip
    await asyncio.sleep(max(0.0, ends + 3 - time.time()))
    await ws.close()
    return {"auction": auction, "answers": answers, "seen": _compact(seen)}


async def _watcher(job: dict[str, Any], host: str, auction: int) -> Any:
    seen: list[tuple[int, float]] = []
    ws = await _open(host, auction, None, lambda text: seen.append((_state_seq(text), time.time())))
    while not seen:
        await asyncio.sleep(0.01)
    await job["ready"]()
    await asyncio.sleep(max(0.0, job["ends"] + 3 - time.time()))
    await ws.close()
    return {"auction": auction, "seen": _compact(seen)}


def _compact(seen: list[tuple[int, float]]) -> list[tuple[int, float]]:
    """Only the moments the shown sequence rose."""
    out: list[tuple[int, float]] = []
    for seq, at in seen:
        if not out or seq > out[-1][0]:
            out.append((seq, at))
    return out


def client_main(job_file: str) -> None:
    job = json.loads(Path(job_file).read_text())
    connected = 0

    async def run() -> list[Any]:
        gate = asyncio.Event()

        async def ready() -> None:
            nonlocal connected
            connected += 1
            if connected == len(job["bidders"]) + len(job["watchers"]):
                Path(job_file + ".ready").write_text("1")
            await gate.wait()

        job["ready"] = ready

        async def release() -> None:
            while not Path(job["go"]).exists():
                await asyncio.sleep(0.05)
            job["ends"] = time.time() + job["seconds"]
            gate.set()

        tasks = [asyncio.ensure_future(release())]
        tasks += [asyncio.ensure_future(_bidder(job, *b)) for b in job["bidders"]]
        tasks += [asyncio.ensure_future(_watcher(job, *w)) for w in job["watchers"]]
        results = await asyncio.gather(*tasks)
        return list(results[1:])

    results = asyncio.run(run())
    Path(job_file + ".out").write_text(json.dumps(results))


# --- one case --------------------------------------------------------------------------------


def run_case(
    label: str,
    auctions: list[dict[str, Any]],
    watchers: int,
    servers: Servers,
    args: argparse.Namespace,
    tmp: str,
) -> dict[str, Any]:
    hosts = [f"127.0.0.1:{p}" for p in servers.ports]
    sockets_b = [
        (hosts[n % len(hosts)], a["id"], session, f"a{a['id']}b{i}")
        for n, (a, (i, session)) in enumerate(
            (a, s) for a in auctions for s in enumerate(a["sessions"])
        )
    ]
    sockets_w = [
        (hosts[n % len(hosts)], auctions[n % len(auctions)]["id"]) for n in range(watchers)
    ]
    k = args.client_processes
    go = Path(tmp) / f"{label}.go"
    origin_us = time.time_ns() // 1000
    jobs = []
    for c in range(k):
        job = {
            "bidders": sockets_b[c::k],
            "watchers": sockets_w[c::k],
            "seconds": args.seconds,
            "go": str(go),
            "origin_us": origin_us,
            "pace": args.pace,
        }
        path = Path(tmp) / f"{label}-client-{c}.json"
        path.write_text(json.dumps(job))
        jobs.append(path)
    procs = [
        subprocess.Popen(
            [sys.executable, __file__, "--client", str(p)],
            env=os.environ | {"PYTHONPATH": str(ROOT / "src")},
        )
        for p in jobs
    ]
    while not all(Path(str(p) + ".ready").exists() for p in jobs):
        if any(proc.poll() not in (None, 0) for proc in procs):
            raise SystemExit("a client process failed")
        time.sleep(0.2)
    cpu0, wall0 = servers.cpu(), time.perf_counter()
    go.write_text("1")
    for proc in procs:
        if proc.wait() != 0:
            raise SystemExit("a client process failed")
    wall = time.perf_counter() - wall0
    server_cpu = servers.cpu() - cpu0
    results = [r for p in jobs for r in json.loads(Path(str(p) + ".out").read_text())]
    return summarise(label, results, auctions, wall, server_cpu, args)


def _epoch(iso: str) -> float:
    return datetime.fromisoformat(iso).timestamp()


def summarise(
    label: str,
    results: list[dict[str, Any]],
    auctions: list[dict[str, Any]],
    wall: float,
    server_cpu: float,
    args: argparse.Namespace,
) -> dict[str, Any]:
    from ggzy.auctions.models import AuctionBid
    from ggzy.core.models import LedgerEntry

    answers = [a for r in results if "answers" in r for a in r["answers"]]
    acks = [a for a in answers if a[0] == "ack"]
    refused: dict[str, int] = {}
    for a in answers:
        if a[0] != "ack":
            refused[a[5] or a[0]] = refused.get(a[5] or a[0], 0) + 1
    # Lag: for sampled accepted bids, the last of its auction's watchers to show it.
    seen_by: dict[int, list[list[tuple[int, float]]]] = {}
    for r in results:
        seen_by.setdefault(r["auction"], []).append(r["seen"])
    by_auction: dict[int, list[tuple[int, float]]] = {}
    for r in results:
        for a in r.get("answers", []):
            if a[0] == "ack":
                by_auction.setdefault(r["auction"], []).append((a[2], _epoch(a[3])))
    lags, missing = [], 0
    pairs = [(auction, seq, at) for auction, bids in by_auction.items() for seq, at in bids]
    step = max(1, len(pairs) // SAMPLE)
    for auction, seq, at in pairs[::step]:
        worst = 0.0
        for seen in seen_by.get(auction, []):
            i = bisect.bisect_left([s for s, _ in seen], seq)
            if i == len(seen):
                missing += 1
                continue
            worst = max(worst, seen[i][1] - at)
        lags.append(worst)
    # The history against the answers and the ledger.
    ids = [a["id"] for a in auctions]
    rows = {(b.auction_id, b.key): b.seq for b in AuctionBid.objects.filter(auction_id__in=ids)}
    acked = {}
    for r in results:
        for a in r.get("answers", []):
            if a[0] == "ack":
                acked[(r["auction"], a[4])] = a[2]
    lost = sum(1 for k, seq in acked.items() if rows.get(k) != seq)
    unacked = len(set(rows) - set(acked))
    subjects = [f"auction:{a['code']}" for a in auctions]
    entries = LedgerEntry.objects.filter(kind="auction.bid", subject__in=subjects).order_by("seq")
    keys = [(e.subject, json.loads(e.body)["key"]) for e in entries]
    ledger = len(keys)
    return {
        "label": label,
        "accepted": len(acks),
        "refused": refused,
        "rate": len(acks) / args.seconds,
        "answers_rate": len(answers) / args.seconds,
        "ack_p50": pct([a[1] for a in answers], 50) if answers else 0,
        "ack_p99": pct([a[1] for a in answers], 99) if answers else 0,
        "lag_p50": pct(lags, 50) if lags else 0,
        "lag_p99": pct(lags, 99) if lags else 0,
        "lag_missing": missing,
        "lost": lost,
        "duplicated": ledger - len(set(keys)),
        "unacked_rows": unacked,
        "rows": len(rows),
        "ledger": ledger,
        "wall": wall,
        "seconds": args.seconds,
        "server_cpu": server_cpu,
    }


def report(r: dict[str, Any]) -> None:
    print(f"\n{r['label']}")
    print(
        f"  accepted bids: {r['accepted']:,} in {r['seconds']:.0f} s = {r['rate']:,.0f}/s "
        f"(all answers {r['answers_rate']:,.0f}/s; refused {r['refused']})"
    )
    print(f"  send → answer: p50 {r['ack_p50']:.1f} ms, p99 {r['ack_p99']:.1f} ms")
    print(
        f"  acceptance → every watcher shows it: p50 {r['lag_p50']:.1f} ms, "
        f"p99 {r['lag_p99']:.1f} ms (sampled bids; not shown at the end: {r['lag_missing']})"
    )
    print(
        f"  history: {r['rows']:,} bids, ledger {r['ledger']:,} entries; acknowledged but "
        f"missing or reordered: {r['lost']}; duplicated: {r['duplicated']}; in the history "
        f"but not acknowledged: {r['unacked_rows']}"
    )
    print(f"  server CPU {r['server_cpu']:.1f} s over {r['wall']:.1f} s")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="", help="PostgreSQL URL (default: a SQLite file)")
    parser.add_argument("--bidders", type=int, default=500)
    parser.add_argument("--watchers", type=int, default=2000)
    parser.add_argument("--auctions", type=int, default=100)
    parser.add_argument("--per-auction", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument(
        "--pace", type=float, default=0, help="bids/s per bidder (default: as fast as it can)"
    )
    parser.add_argument("--processes", type=int, default=1, help="server processes")
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/6")
    parser.add_argument("--case", choices=["a", "b", "all"], default="all")
    parser.add_argument("--client", help=argparse.SUPPRESS)
    args, _ = parser.parse_known_args()
    if args.client:
        client_main(args.client)
        return 0
    with (
        tempfile.TemporaryDirectory(prefix="ggzy-auctions-") as tmp,
        database(args.db, tmp, "ggzy_bench_auctions") as url,
    ):
        setup(url, tmp, SUITE)
        from django.db import connection

        print(machine_facts())
        print(f"database: {connection.vendor}  server processes: {args.processes}  "
              f"client processes: {args.client_processes}")  # fmt: skip
        commits = baseline_commits(1000)
        print(f"baseline, same database: raw durable single-row commits "
              f"{len(commits) / sum(commits):,.0f}/s (p50 {pct(commits, 50):.2f} ms, "
              f"p99 {pct(commits, 99):.2f} ms)", flush=True)  # fmt: skip
        bidders = max(args.bidders if args.case != "b" else 0, args.per_auction)
        world = build(Path(tmp), SUITE, bidders)
        one = make_auctions(world, 1, args.bidders) if args.case in ("a", "all") else []
        many = (
            make_auctions(world, args.auctions, args.per_auction)
            if args.case in ("b", "all")
            else []
        )
        servers = Servers(url, tmp, args.processes, args.redis)
        try:
            if one:
                label = f"(a) one auction, {args.bidders} bidders, {args.watchers} watchers"
                report(run_case("a", one, args.watchers, servers, args, tmp) | {"label": label})
            if many:
                label = f"(b) {args.auctions} auctions × {args.per_auction} bidders"
                report(run_case("b", many, 0, servers, args, tmp) | {"label": label})
        finally:
            servers.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
