"""The hall's fan-out in one server process (直播推送): one subscription to the auction's
channel-layer group per process, not one per socket, and one encoded message per update
for all of this process's watchers of the auction.

Updates are coalesced: an update waits ``COALESCE_SECONDS`` before it goes out, and
everything arriving meanwhile — newer states, more bids — goes out in that one message
(sending at once after a quiet spell measured no better: a busy hall got twice the messages),
with the newest state and the newest ``UPDATE_BIDS`` bids (``partial`` when older ones were
left out: the page shows them after a ``sync``, the API pages all of them). Commits from
several processes may arrive out of order, so the newest state (by sequence) wins and the
bids are sorted; a watcher that sees a gap in a message that is not partial asks for
``sync``.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from channels.layers import get_channel_layer

from .hall import UPDATE_BIDS, group_name

log = logging.getLogger("ggzy.auctions")

COALESCE_SECONDS = 0.05
YIELD_EVERY = 100  # sockets sent to between two turns of the event loop


class Watcher(Protocol):
    """A hall socket; ``base_send`` is the server's own send (one message object serves every
    watcher, with no consumer layers between)."""

    base_send: Callable[[dict[str, Any]], Awaitable[None]]


@dataclass(eq=False)
class Relay:
    auction_id: int
    watchers: set[Watcher] = field(default_factory=set)
    pending: dict[str, Any] | None = None
    listener: asyncio.Task[None] | None = None
    flusher: asyncio.Task[None] | None = None

    async def join(self, watcher: Watcher) -> None:
        self.watchers.add(watcher)
        if self.listener is None or self.listener.done():
            layer = get_channel_layer()
            channel = await layer.new_channel()
            await layer.group_add(group_name(self.auction_id), channel)
            self.listener = asyncio.ensure_future(self._listen(layer, channel))

    async def leave(self, watcher: Watcher) -> None:
        self.watchers.discard(watcher)
        if not self.watchers and self.listener is not None:
            self.listener.cancel()
            self.listener = None

    async def _listen(self, layer: Any, channel: str) -> None:
        try:
            while True:
                self.merge(await layer.receive(channel))
        finally:
            await layer.group_discard(group_name(self.auction_id), channel)

    def merge(self, event: dict[str, Any]) -> None:
        if self.pending is None:
            self.pending = {
                "type": "update",
                "state": event["state"],
                "bids": list(event["bids"]),
                "partial": event["partial"],
            }
        else:
            if event["state"]["seq"] >= self.pending["state"]["seq"]:
                self.pending["state"] = event["state"]
            self.pending["bids"].extend(event["bids"])
            self.pending["partial"] |= event["partial"]
        self.pending["now"] = event["now"]
        if self.flusher is None or self.flusher.done():
            self.flusher = asyncio.ensure_future(self._flush())

    async def _flush(self) -> None:
        while self.pending is not None:  # more may arrive while a message goes out
            await asyncio.sleep(COALESCE_SECONDS)
            message, self.pending = self.pending, None
            await self._send(message)

    async def _send(self, message: dict[str, Any]) -> None:
        bids = sorted(message["bids"], key=lambda bid: bid["seq"])
        if len(bids) > UPDATE_BIDS:
            message["partial"] = True
        message["bids"] = bids[-UPDATE_BIDS:]
        frame = {"type": "websocket.send", "text": json.dumps(message, ensure_ascii=False)}
        for n, watcher in enumerate(list(self.watchers)):
            if n % YIELD_EVERY == YIELD_EVERY - 1:  # let bids and answers through meanwhile
                await asyncio.sleep(0)
            try:
                await watcher.base_send(frame)
            except Exception:  # a socket closing under us must not stop the others
                log.debug("a watcher of auction %s went away", self.auction_id)


_relays: dict[tuple[int, int], Relay] = {}


def relay(auction_id: int) -> Relay:
    """This event loop's relay for the auction."""
    key = (id(asyncio.get_running_loop()), auction_id)
    if key not in _relays:
        _relays[key] = Relay(auction_id)
    return _relays[key]
