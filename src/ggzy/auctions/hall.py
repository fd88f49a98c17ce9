"""The bidding hall's public state and its signal to every watcher (竞价大厅).

What a watcher sees carries bidder numbers only, never who stands behind them. A message
holds the whole live state plus the bids it adds, so a watcher that missed one (its last
sequence is not the one before) asks for the full state again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from ggzy.kernel import clock

from .engine import Phase
from .models import Auction, AuctionBid

RECENT = 50  # bids sent to a (re)connecting watcher; the API pages the rest
UPDATE_BIDS = 20  # the newest bids an update carries: in a busy hall, not all since the last


def group_name(auction_id: int) -> str:
    return f"auction-hall-{auction_id}"


def bid_view(bid: AuctionBid) -> dict[str, Any]:
    return {"seq": bid.seq, "bidder_no": bid.bidder_no, "amount": bid.amount, "at": _iso(bid.at)}


def _iso(moment: Any) -> str | None:
    return moment.astimezone(clock.SHANGHAI).isoformat(timespec="milliseconds") if moment else None


def live_state(auction: Auction) -> dict[str, Any]:
    """The state every watcher may see, as of the auction row."""
    from .services.bidding import minimum_next_of

    return {
        "auction": auction.pk,
        "code": auction.code,
        "status": auction.status,
        "phase": auction.phase,
        "direction": auction.direction,
        "weighted": auction.weighted,
        "deadline": _iso(auction.deadline) if auction.phase != Phase.CLOSED else None,
        "price": auction.price,
        "leader": auction.leader or None,
        "seq": auction.last_seq,
        "minimum_next": minimum_next_of(auction) if auction.phase != Phase.CLOSED else None,
        "increment": auction.increment,
        "final_price": auction.final_price,
        "outcome": auction.outcome,
    }


def full_state(auction: Auction) -> dict[str, Any]:
    recent = list(AuctionBid.objects.filter(auction=auction).order_by("-seq")[:RECENT])
    return {
        "type": "state",
        "state": live_state(auction),
        "bids": [bid_view(b) for b in reversed(recent)],
        "now": _iso(clock.now()),
    }


def broadcast(messages: Sequence[tuple[int, dict[str, Any]]]) -> None:
    """Each (auction id, message) to the auction's group, in one hop to the event loop."""
    layer = get_channel_layer()
    if layer is None or not messages:
        return

    async def send_all() -> None:
        for auction_id, message in messages:
            await layer.group_send(group_name(auction_id), {"type": "hall.update", **message})

    async_to_sync(send_all)()
