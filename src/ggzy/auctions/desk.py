"""The bid desk of one server process (报价受理): the bids that arrive on this process's
sockets, for any auction, queue here, and one task at a time hands everything queued to
``place_bids_many`` — one transaction, one commit, however many bids and auctions (group
commit). While a batch is being written the next one gathers, so the commit rate of the
database bounds the batches, not the bids. Each bid is still answered only after its batch
commits, and each auction's row lock still orders batches from several processes.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from channels.db import database_sync_to_async

from ggzy.kernel.errors import DomainError

from .services.bidding import Order, Placed, place_bids_many

MAX_BATCH = 500

_place = database_sync_to_async(place_bids_many, thread_sensitive=False)


@dataclass
class Desk:
    queue: list[tuple[int, Order, asyncio.Future[Placed | DomainError]]] = field(
        default_factory=list
    )
    task: asyncio.Task[None] | None = None

    async def submit(self, auction_id: int, order: Order) -> Placed | DomainError:
        future: asyncio.Future[Placed | DomainError] = asyncio.get_running_loop().create_future()
        self.queue.append((auction_id, order, future))
        if self.task is None or self.task.done():
            self.task = asyncio.ensure_future(self._drain())
        return await future

    async def _drain(self) -> None:
        while self.queue:
            batch, self.queue = self.queue[:MAX_BATCH], self.queue[MAX_BATCH:]
            groups: dict[int, list[Order]] = {}
            for auction_id, order, _ in batch:
                groups.setdefault(auction_id, []).append(order)
            try:
                results = await _place(groups)
            except Exception as exc:  # every waiting bid must get an answer
                for _, _, future in batch:
                    if not future.done():  # a socket that went away no longer waits
                        future.set_exception(exc)
                continue
            answers = {auction_id: iter(rs) for auction_id, rs in results.items()}
            for auction_id, _, future in batch:
                answer = next(answers[auction_id])
                if not future.done():
                    future.set_result(answer)


_desks: dict[int, Desk] = {}


def desk() -> Desk:
    """This event loop's desk."""
    key = id(asyncio.get_running_loop())
    if key not in _desks:
        _desks[key] = Desk()
    return _desks[key]
