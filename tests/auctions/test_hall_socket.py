"""The hall's WebSocket: a watcher gets the full state on connecting and every accepted bid
after; a bidder bids on the socket and is answered after the commit; malformed frames,
bids for another auction, anonymous bids, refused bids and floods get a reason and leave
the auction as it was."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.routing import URLRouter
from channels.testing.websocket import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser

from ggzy.auctions import consumers
from ggzy.auctions.models import Auction, AuctionBid
from ggzy.web.routing import websocket_urlpatterns
from tests.fixtures.tendering import World
from tests.fixtures.threads import off_loop

from .flow import announced, qualify, register

pytestmark = pytest.mark.django_db(transaction=True)


def _socket(auction: Auction, user: Any) -> WebsocketCommunicator:
    socket = WebsocketCommunicator(
        URLRouter(websocket_urlpatterns), f"/ws/auctions/{auction.pk}/hall/"
    )
    socket.scope["user"] = user
    return socket


def _run(scenario: Callable[[], Awaitable[None]]) -> None:
    off_loop(async_to_sync(scenario))


@pytest.fixture
def live(world: World, manual_clock: Any) -> Auction:
    auction = announced(world)
    for party in world.bidders[:2]:
        qualify(world, auction, party)
    manual_clock.set(auction.starts_at + timedelta(minutes=1))
    return auction


def test_a_bid_on_the_socket_reaches_every_watcher(world: World, live: Auction) -> None:
    bidder = world.bidders[0].user

    async def scenario() -> None:
        watcher, mine = _socket(live, AnonymousUser()), _socket(live, bidder)
        assert (await watcher.connect())[0] and (await mine.connect())[0]
        first = await watcher.receive_json_from()
        assert first["type"] == "state" and first["you"] is None and first["bids"] == []
        own = await mine.receive_json_from()
        assert own["you"] and own["state"]["minimum_next"] == live.start_price
        await mine.send_json_to({"type": "bid", "amount": "10000000.00", "key": "ws-1"})
        # the answer and the update to every watcher both follow the commit, in either order
        got = {m["type"]: m for m in [await mine.receive_json_from(timeout=5) for _ in "12"]}
        ack = got["ack"]
        assert (ack["seq"], ack["bidder_no"]) == (1, own["you"]) and got["update"]["bids"]
        update = await watcher.receive_json_from(timeout=5)
        assert update["type"] == "update" and update["state"]["price"] == 1_000_000_000
        assert [b["seq"] for b in update["bids"]] == [1]
        assert update["state"]["leader"] == own["you"]
        await mine.send_json_to({"type": "bid", "amount": "10000000.00", "key": "ws-1"})
        again = await mine.receive_json_from(timeout=5)
        assert again["type"] == "ack" and again["repeated"] and again["seq"] == 1
        await mine.send_json_to({"type": "sync"})
        state = await mine.receive_json_from(timeout=5)
        assert state["type"] == "state" and len(state["bids"]) == 1
        await watcher.disconnect()
        await mine.disconnect()

    _run(scenario)
    assert AuctionBid.objects.filter(auction=live).count() == 1


def test_bad_frames_get_a_reason_and_change_nothing(world: World, live: Auction) -> None:
    bidder = world.bidders[0].user

    async def scenario() -> None:
        mine, anonymous = _socket(live, bidder), _socket(live, AnonymousUser())
        await mine.connect()
        await anonymous.connect()
        await mine.receive_json_from()
        await anonymous.receive_json_from()
        await mine.send_to(text_data="{not json")
        assert (await mine.receive_json_from())["code"] == "bad_frame"
        await mine.send_to(text_data="[1, 2]")
        assert (await mine.receive_json_from())["code"] == "bad_frame"
        await mine.send_json_to({"type": "shout"})
        assert (await mine.receive_json_from())["code"] == "bad_frame"
        await mine.send_to(text_data="x" * 5000)
        assert (await mine.receive_json_from())["code"] == "bad_frame"
        await mine.send_json_to({"type": "bid", "auction": live.pk + 1, "amount": "1", "key": "x"})
        assert (await mine.receive_json_from())["code"] == "wrong_auction"
        await anonymous.send_json_to({"type": "bid", "amount": "10000000", "key": "anon"})
        assert (await anonymous.receive_json_from())["code"] == "unauthenticated"
        await mine.send_json_to({"type": "bid", "amount": "1.00", "key": "low"})
        low = await mine.receive_json_from(timeout=5)
        assert (low["type"], low["code"], low["key"]) == ("rejected", "below_increment", "low")
        await mine.send_json_to({"type": "bid", "amount": None, "key": "none"})
        assert (await mine.receive_json_from(timeout=5))["type"] == "rejected"
        await mine.disconnect()
        await anonymous.disconnect()

    _run(scenario)
    live.refresh_from_db()
    assert (live.last_seq, live.price) == (0, None)


def test_a_flood_is_cut_off_without_touching_the_auction(world: World, live: Auction) -> None:
    async def scenario() -> None:
        mine = _socket(live, world.bidders[0].user)
        await mine.connect()
        await mine.receive_json_from()
        for n in range(int(consumers.BURST) + 20):
            await mine.send_json_to({"type": "shout", "n": n})
        codes = [(await mine.receive_json_from(timeout=5))["code"] for _ in range(60)]
        assert "rate_limited" in codes
        await mine.disconnect()

    _run(scenario)


def test_a_draft_cannot_be_watched(world: World) -> None:
    draft = register(world)

    async def scenario() -> None:
        socket = _socket(draft, AnonymousUser())
        connected, code = await socket.connect()
        assert not connected and code == 4404

    _run(scenario)
