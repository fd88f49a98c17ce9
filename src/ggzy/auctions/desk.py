"""The bid desk of one server process (报价受理): the bids of one auction that arrive on this
process's sockets queue here, and one task at a time hands everything queued to
``place_bids`` — one transaction, one commit, however many bids (group commit). While a
batch is being written the next one gathers, so the commit rate of the database bounds
the batches, not the bids. Each bid is still answered only after its batch commits, and
the auction's row lock still orders batches from several processes.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from channels.db import database_sync_to_async

from ggzy.kernel.errors import DomainError

from .services.bidding import Order, Placed, place_bids

MAX_BATCH = 500

_place = database_sync_to_async(place_bids, thread_sensitive=False)


@dataclass
class Desk:
    auction_id: int
    queue: list[tuple[Order, asyncio.Future[Placed | DomainError]]] = field(default_factory=list)
    task: asyncio.Task[None] | None = None

    async def submit(self, order: Order) -> Placed | DomainError:
        future: asyncio.Future[Placed | DomainError] = asyncio.get_running_loop().create_future()
        self.queue.append((order, future))
        if self.task is None or self.task.done():
            self.task = asyncio.ensure_future(self._drain())
        return await future

    async def _drain(self) -> None:
        while self.queue:
            batch, self.queue = self.queue[:MAX_BATCH], self.queue[MAX_BATCH:]
            try:
                results = await _place(self.auction_id, [order for order, _ in batch])
            except Exception as exc:
                for _, future in batch:
                    future.set_exception(exc)
                continue
            for (_, future), result in zip(batch, results, strict=True):
                future.set_result(result)


_desks: dict[tuple[int, int], Desk] = {}


def desk(auction_id: int) -> Desk:
    """This event loop's desk for the auction."""
    key = (id(asyncio.get_running_loop()), auction_id)
    if key not in _desks:
        _desks[key] = Desk(auction_id)
    return _desks[key]
