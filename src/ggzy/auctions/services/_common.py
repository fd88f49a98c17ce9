"""What every auction service shares: locking, who may act, amounts, the hall signal."""

from __future__ import annotations

import hmac
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction

from ggzy.accounts.models import User
from ggzy.accounts.selectors import is_centre_staff
from ggzy.entities.models import MarketEntity
from ggzy.kernel import clock
from ggzy.kernel.errors import Forbidden, InvalidInput, NotFound
from ggzy.kernel.money import fen

from ..hall import UPDATE_BIDS, bid_view, broadcast, live_state
from ..models import Auction, AuctionBid


def no_such_auction() -> NotFound:
    return NotFound("竞价项目不存在", "no such auction", code="auction_not_found")


def lock_auction(auction_id: int) -> Auction:
    """The auction row, locked: it is the one lock that totally orders its bids."""
    try:
        return Auction.objects.select_for_update(of=("self",)).get(pk=auction_id)
    except (Auction.DoesNotExist, ValueError, TypeError):
        raise no_such_auction() from None


def lock_auctions(ids: Sequence[int]) -> dict[int, Auction]:
    """Several auction rows locked in one statement, in id order (PostgreSQL locks the rows
    as the sorted result yields them), the order every writer takes them in."""
    rows = Auction.objects.select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk")
    return {auction.pk: auction for auction in rows}


def require_staff(user: User) -> None:
    if not is_centre_staff(user):
        raise Forbidden(
            "只有交易中心工作人员才能办理此事项",
            "only trading-centre staff may do this",
            code="not_centre_staff",
        )


def positive_fen(value: object, field: str, label_zh: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InvalidInput(f"{label_zh}格式有误", f"{field} is malformed", field=field)
    amount = fen(value, field=field)
    if amount <= 0:
        raise InvalidInput(f"{label_zh}应大于零", f"{field} must be above zero", field=field)
    return amount


def applicant_ref(auction: Auction, entity: MarketEntity) -> str:
    """A pseudonym for the public ledger: who applied stays hidden until the result."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"auction/{auction.code}/{entity.pk}".encode(), "sha256").hexdigest()[:16]


def bidder_actor(auction: Auction, bidder_no: str) -> str:
    return f"bidder:{auction.code}/{bidder_no}"


def changed(auction: Auction, bids: Sequence[AuctionBid] = ()) -> None:
    """Tell the hall once the transaction has committed, never before."""
    changed_all([(auction, bids)])


def changed_all(changes: Sequence[tuple[Auction, Sequence[AuctionBid]]]) -> None:
    """``changed`` for the auctions of one batch: one signal after the commit for all."""
    now = clock.now().astimezone(clock.SHANGHAI).isoformat(timespec="milliseconds")
    messages = [
        (
            auction.pk,
            {
                "state": live_state(auction),
                # The newest suffice: each process's relay keeps the newest of all it
                # receives, and those are still consecutive (each lies within UPDATE_BIDS of
                # the last of its own batch).
                "bids": [bid_view(b) for b in bids[-UPDATE_BIDS:]],
                "partial": len(bids) > UPDATE_BIDS,
                "now": now,
            },
        )
        for auction, bids in changes
    ]
    # robust: the bids are committed whatever happens to the signal (a channel layer down)
    transaction.on_commit(lambda: broadcast(messages), robust=True)
