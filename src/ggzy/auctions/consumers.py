"""The bidding hall's WebSocket (竞价大厅).

Anyone may watch a public auction; a qualified bidder may also bid through the socket. The
server is the only clock: a bid is ordered and checked when the service takes the
auction's lock, and the answer (``ack`` or ``rejected``) is sent only after the bid and its
ledger entry are committed. Updates reach watchers through this process's relay
(``relay.py``), coalesced and encoded once for all; a watcher that sees a gap in the
sequence, or reconnects, sends ``sync`` for the full state.

Frames from the client::

    {"type": "bid", "amount": "10200000.00", "key": "<idempotency key>"}
    {"type": "sync"}
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from ggzy.accounts.models import User
from ggzy.core.http import error_body
from ggzy.kernel.errors import DomainError

from . import hall, selectors
from .desk import desk
from .models import Auction
from .relay import relay
from .services.bidding import Order, Placed

log = logging.getLogger("ggzy.auctions")

RATE = 20.0  # frames per second a connection may send on average
BURST = 40.0
MAX_FRAME = 2048


def _error(code: str, zh: str, en: str, **extra: Any) -> dict[str, Any]:
    return {"type": "error", **error_body(code, zh, en), **extra}


@database_sync_to_async
def _open(user: User, auction_id: int) -> tuple[dict[str, Any], str | None] | None:
    try:
        auction = selectors.get_auction(user, auction_id)
    except DomainError:
        return None
    own = selectors.own_registration(user, auction)
    return hall.full_state(auction), (own.bidder_no or None) if own else None


@database_sync_to_async
def _full_state(auction_id: int) -> dict[str, Any]:
    return hall.full_state(Auction.objects.get(pk=auction_id))


def _ack(placed: Placed) -> dict[str, Any]:
    return {
        "type": "ack",
        "key": placed.bid.key,
        "repeated": placed.repeated,
        **hall.bid_view(placed.bid),
        "ledger_seq": placed.bid.ledger_seq,
    }


class AuctionHallConsumer(AsyncJsonWebsocketConsumer):
    # Updates come through the process's relay, never to a socket's own channel; naming no
    # configured layer keeps Channels from opening (and scanning) one channel per socket.
    channel_layer_alias = "none: updates come through the relay"

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Channels closes stale database connections on a thread before every message; this
        # consumer never touches the database on the event loop (its work runs through
        # database_sync_to_async or the bid desk, which manage their own connections), so
        # the thread hop per frame is skipped.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"no handler for message type {message['type']}")
        await handler(message)

    async def connect(self) -> None:
        self.auction_id = int(self.scope["url_route"]["kwargs"]["auction_id"])
        self.user = self.scope.get("user")
        opened = await _open(self.user, self.auction_id)
        if opened is None:
            await self.close(code=4404)
            return
        state, self.bidder_no = opened
        self.tokens, self.refilled = BURST, time.monotonic()
        await self.accept()
        await self.send_json({**state, "you": self.bidder_no})
        await relay(self.auction_id).join(self)

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "tokens"):
            await relay(self.auction_id).leave(self)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if not self._allowed():
            await self.send_json(_error("rate_limited", "操作过于频繁", "too many frames"))
            return
        if text_data is None or len(text_data) > MAX_FRAME:
            await self.send_json(_error("bad_frame", "无法识别的消息", "unreadable frame"))
            return
        try:
            frame = json.loads(text_data)
        except ValueError:
            frame = None
        if not isinstance(frame, dict):
            await self.send_json(
                _error("bad_frame", "消息须为 JSON 对象", "a frame is a JSON object")
            )
            return
        await self.receive_json(frame)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        kind = content.get("type")
        if kind == "sync":
            await self.send_json({**await _full_state(self.auction_id), "you": self.bidder_no})
        elif kind == "bid":
            await self.send_json(await self._place(content))
        else:
            await self.send_json(_error("bad_frame", "未知的消息类型", "unknown frame type"))

    async def _place(self, content: dict[str, Any]) -> dict[str, Any]:
        key = content.get("key")
        if content.get("auction", self.auction_id) != self.auction_id:
            return _error(
                "wrong_auction", "报价不属于本场竞价", "the bid is for another auction", key=key
            )
        if not self.user or not self.user.is_authenticated:
            return _error("unauthenticated", "请先登录", "log in to bid", key=key)
        try:
            result = await desk().submit(
                self.auction_id,
                Order(
                    self.user, content.get("amount"), key, (self.scope.get("client") or [None])[0]
                ),
            )
        except Exception:
            log.exception("bid on auction %s failed", self.auction_id)
            return _error(
                "unavailable", "系统繁忙，报价未受理，请重试", "not taken: try again", key=key
            )
        if isinstance(result, DomainError):
            return {"type": "rejected", "key": key, **result.as_dict()}
        return _ack(result)

    def _allowed(self) -> bool:
        now = time.monotonic()
        self.tokens = min(BURST, self.tokens + (now - self.refilled) * RATE)
        self.refilled = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True
