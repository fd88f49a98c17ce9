"""Two server processes behind one auction (Redis channel layer, PostgreSQL): bidders on
both bid as fast as they can; a watcher on each process sees the same bids in the same
order, which is the order in the database and in the ledger; a bid retried on the other
process counts once. Needs PostgreSQL and Redis (both on the CI machine): on SQLite the
test database lives in this process's memory, so it is skipped there."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection

from ggzy.auctions.models import Auction, AuctionBid
from ggzy.core.models import LedgerEntry
from ggzy.kernel import clock
from tests.fixtures.tendering import World

from .flow import announced, qualify

pytestmark = pytest.mark.django_db(transaction=True)

REDIS = os.environ.get("GGZY_TEST_REDIS_URL", "redis://127.0.0.1:6379/7")
BIDS_PER_BIDDER = 12


def _redis_up() -> bool:
    host, port = REDIS.split("//")[1].split("/")[0].split(":")
    try:
        socket.create_connection((host, int(port)), timeout=1).close()
    except OSError:
        return False
    return True


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def servers(transactional_db: None, tmp_path: Path) -> Iterator[list[str]]:
    if connection.vendor != "postgresql":
        pytest.skip("two server processes need a shared database server (PostgreSQL)")
    if not _redis_up():
        pytest.skip(f"Redis is not reachable at {REDIS}")
    db = connection.settings_dict
    user = f"{db['USER']}@" if db["USER"] else ""
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{user}{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": REDIS,
        "GGZY_SECRET_KEY": settings.SECRET_KEY,
        "GGZY_VAR_DIR": str(settings.VAR_DIR),
        "GGZY_CRYPTO_SUITE": settings.GGZY_CRYPTO_SUITE,
        "GGZY_DB_POOL_SIZE": "4",
    }
    ports = [_port(), _port()]
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "ggzy.asgi:application", "--port", str(port)],
            env=env,
            stdout=(tmp_path / f"server-{port}.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
        for port in ports
    ]
    try:
        for port, process in zip(ports, processes, strict=True):
            _wait_for(port, process)
        yield [f"127.0.0.1:{port}" for port in ports]
    finally:
        for process in processes:
            process.terminate()
            process.wait(10)


def _wait_for(port: int, process: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if process.poll() is not None:
            raise RuntimeError(f"the server on {port} exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return
        except OSError:
            threading.Event().wait(0.05)  # polling a server's start, not a trade's clock
    raise RuntimeError(f"the server on {port} did not start")


def _session(user: Any) -> str:
    store = SessionStore()
    store["_auth_user_id"] = str(user.pk)
    store["_auth_user_backend"] = settings.AUTHENTICATION_BACKENDS[-1]
    store["_auth_user_hash"] = user.get_session_auth_hash()
    store.create()
    return str(store.session_key)


async def _open(host: str, auction: int, session: str | None = None) -> Any:
    import websockets

    headers = {"Origin": f"http://{host}"}
    if session:
        headers["Cookie"] = f"sessionid={session}"
    socket = await websockets.connect(
        f"ws://{host}/ws/auctions/{auction}/hall/", additional_headers=headers
    )
    first = json.loads(await socket.recv())
    assert first["type"] == "state"
    return socket, first


async def _bidder(host: str, auction: int, session: str, name: str) -> list[dict[str, Any]]:
    """Bid the least next amount, as fast as the answers come, ``BIDS_PER_BIDDER`` times."""
    socket, first = await _open(host, auction, session)
    least, increment = first["state"]["minimum_next"], first["state"]["increment"]
    answers = []
    for n in range(BIDS_PER_BIDDER):
        key = f"{name}-{n}"
        await socket.send(json.dumps({"type": "bid", "amount": f"{least / 100:.2f}", "key": key}))
        while True:
            message = json.loads(await socket.recv())
            if message["type"] == "update":
                least = max(least, message["state"]["minimum_next"])
            elif message.get("key") == key:
                answers.append(message)
                if message["type"] == "ack":
                    least = message["amount"] + increment
                break
    await socket.close()
    return answers


async def _watch(host: str, auction: int, last: asyncio.Future[int]) -> list[Any]:
    """Every bid this process's watcher sees, until it has seen the last one."""
    socket, first = await _open(host, auction)
    seen = {b["seq"]: (b["seq"], b["bidder_no"], b["amount"]) for b in first["bids"]}
    while not last.done() or max(seen, default=0) < last.result():
        try:
            message = json.loads(await asyncio.wait_for(socket.recv(), 0.5))
        except TimeoutError:
            await socket.send(json.dumps({"type": "sync"}))
            continue
        for bid in message.get("bids", []):
            seen[bid["seq"]] = (bid["seq"], bid["bidder_no"], bid["amount"])
    await socket.close()
    return [seen[n] for n in sorted(seen)]


def test_two_processes_give_every_client_the_same_order(
    servers: list[str], world: World, manual_clock: clock.ManualClock
) -> None:
    real_now = clock.SystemClock().now()
    manual_clock.set(real_now - timedelta(days=30))
    auction = announced(
        world,
        reserve=None,
        keyholders=[],
        escrow_threshold=None,
        increment="100000.00",
        starts_at=real_now - timedelta(minutes=1),
        free_ends_at=real_now + timedelta(days=11),
    )
    parties = world.bidders[:4]
    for party in parties:
        qualify(world, auction, party)
    sessions = [_session(party.user) for party in parties]

    async def scenario() -> tuple[list[list[dict[str, Any]]], list[list[tuple[int, str, int]]]]:
        last: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        watchers = [asyncio.ensure_future(_watch(host, auction.pk, last)) for host in servers]
        bidders = [
            _bidder(servers[n % 2], auction.pk, session, f"b{n}")
            for n, session in enumerate(sessions)
        ]
        answers = await asyncio.gather(*bidders)
        # The same bid retried on the other process counts once.
        retry = []
        for host in servers:
            socket, _ = await _open(host, auction.pk, sessions[0])
            await socket.send(json.dumps({"type": "bid", "amount": "99999999", "key": "twice"}))
            while (message := json.loads(await socket.recv()))["type"] == "update":
                pass
            retry.append(message)
            await socket.close()
        assert retry[0]["type"] == "ack" and retry[1]["repeated"]
        assert retry[0]["seq"] == retry[1]["seq"]
        last.set_result(retry[0]["seq"])
        return answers, list(await asyncio.gather(*watchers))

    answers, seen = asyncio.run(scenario())

    history = [
        (b.seq, b.bidder_no, b.amount)
        for b in AuctionBid.objects.filter(auction=auction).order_by("seq")
    ]
    ledger = [
        json.loads(e.body)
        for e in LedgerEntry.objects.filter(
            kind="auction.bid", subject=f"auction:{auction.code}"
        ).order_by("seq")
    ]
    accepted = sum(1 for per in answers for a in per if a["type"] == "ack")
    assert accepted + 1 == len(history) > len(parties)
    assert seen[0] == seen[1] == history
    assert [(e["seq"], e["bidder_no"], e["amount"]) for e in ledger] == history
    assert [seq for seq, _, _ in history] == list(range(1, len(history) + 1))
    amounts = [amount for _, _, amount in history]
    assert amounts == sorted(amounts) and len(set(amounts)) == len(amounts)
    refused = {a["code"] for per in answers for a in per if a["type"] == "rejected"}
    assert refused <= {"below_increment"}
    auction.refresh_from_db()
    assert (auction.last_seq, auction.price) == (history[-1][0], history[-1][2])
    assert Auction.objects.get(pk=auction.pk).status == Auction.Status.ANNOUNCED
