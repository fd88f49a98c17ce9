"""The pre-emption right (优先购买权) after bidding: a qualified bidder whose right the centre
recorded at review may, within ``auctions.pre_emption_window_hours`` of the result, buy at
the final price instead of the winner by bidding (同等条件下优先购买). The first holder to
exercise takes it (a division among several holders is not supported); if every holder
declines or the window lapses, the winner by bidding keeps it."""

from __future__ import annotations

from django.db import transaction

from ggzy.accounts.models import User
from ggzy.auctions import events
from ggzy.core.services import record
from ggzy.entities.selectors import entity_of
from ggzy.kernel import clock
from ggzy.kernel.errors import Conflict, Forbidden, RuleViolation

from ..models import Auction, Registration
from ._common import bidder_actor, changed, lock_auction
from .results import finalise


@transaction.atomic
def answer(*, user: User, auction_id: int, exercise: bool, ip: str | None = None) -> Auction:
    """A holder says whether it buys at the final price."""
    auction = lock_auction(auction_id)
    if auction.status != Auction.Status.PRE_EMPTION or (
        auction.pre_emption_ends_at is not None and clock.now() >= auction.pre_emption_ends_at
    ):
        raise RuleViolation(
            "不在优先购买权行使期内",
            "the pre-emption window is not open",
            code="not_in_pre_emption",
        )
    entity = entity_of(user)
    holder = Registration.objects.filter(
        auction=auction, entity=entity, status=Registration.Status.QUALIFIED, pre_emption=True
    ).first()
    if entity is None or holder is None or holder.pk == auction.winner_id:
        raise Forbidden(
            "您在本项目不享有优先购买权",
            "you hold no pre-emption right in this sale",
            code="no_pre_emption",
        )
    if holder.pre_emption_answer:
        raise Conflict("已作出表示", "you have already answered", code="answered")
    holder.pre_emption_answer = "exercised" if exercise else "declined"
    holder.save(update_fields=["pre_emption_answer"])
    record(
        events.AUCTION_PRE_EMPTION,
        subject=f"auction:{auction.code}",
        payload={
            "bidder_no": holder.bidder_no,
            "exercised": exercise,
            "price": auction.final_price,
        },
        actor=bidder_actor(auction, holder.bidder_no),
        ip=ip,
    )
    if exercise:
        finalise(auction, holder, "", user.actor)
    elif not _waiting(auction):
        finalise(auction, auction.winner, "", user.actor)
    changed(auction)
    return auction


def _waiting(auction: Auction) -> bool:
    return (
        auction.registrations.filter(
            status=Registration.Status.QUALIFIED, pre_emption=True, pre_emption_answer=""
        )
        .exclude(pk=auction.winner_id or 0)
        .exists()
    )


def lapse_due() -> int:
    """The scheduler's job: a window that ran out leaves the winner by bidding."""
    now = clock.now()
    due = Auction.objects.filter(
        status=Auction.Status.PRE_EMPTION, pre_emption_ends_at__lte=now
    ).values_list("pk", flat=True)
    count = 0
    for auction_id in list(due):
        with transaction.atomic():
            auction = lock_auction(auction_id)
            if auction.status == Auction.Status.PRE_EMPTION:
                finalise(auction, auction.winner, "", "system")
                changed(auction)
                count += 1
    return count
