"""The pre-emption right after bidding (优先购买权): a holder recorded at review buys at the
final price instead of the winner by bidding; if it declines, or its window lapses, the
winner by bidding keeps the sale. Only holders may answer, once, within the window."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from ggzy.auctions import services
from ggzy.auctions.models import Auction, Registration
from ggzy.core.scheduler import run_due
from ggzy.kernel import clock
from ggzy.kernel.errors import Conflict, DomainError, Forbidden, RuleViolation
from tests.fixtures.clock import working_days_after
from tests.fixtures.tendering import World

from .flow import announced

pytestmark = pytest.mark.django_db


def _equity(world: World, manual_clock: Any) -> tuple[Auction, Registration, Registration]:
    """An equity transfer: A bids highest, B (an existing shareholder) holds the right."""
    starts = working_days_after(clock.now(), 30)  # well past the disclosure period
    auction = announced(
        world,
        reserve=None,
        trade_type="equity_transfer",
        method="online",
        keyholders=[],
        escrow_threshold=None,
        starts_at=starts,
        free_ends_at=starts + timedelta(days=1),
        timed_seconds=60,
    )
    a, b = world.bidders[:2]
    regs = []
    for party, right in ((a, False), (b, True)):
        reg = services.apply(user=party.user, auction_id=auction.pk)
        services.review(
            user=world.centre_staff, registration_id=reg.pk, accept=True, pre_emption=right
        )
        regs.append(
            services.confirm_deposit(
                user=world.centre_staff,
                registration_id=reg.pk,
                kind="transfer",
                amount="2000000",
                reference=f"P{reg.pk}",
            )
        )
    manual_clock.set(starts)
    services.place_bid(user=b.user, auction_id=auction.pk, amount="10000000", key="b1")
    services.place_bid(user=a.user, auction_id=auction.pk, amount="10200000", key="a1")
    manual_clock.set(auction.free_ends_at + timedelta(seconds=60))
    run_due()
    auction.refresh_from_db()
    assert auction.status == Auction.Status.PRE_EMPTION
    assert auction.winner_id == regs[0].pk and auction.final_price == 1_020_000_000
    return auction, regs[0], regs[1]


def test_the_holder_buys_at_the_final_price(world: World, manual_clock: Any) -> None:
    auction, leader, holder = _equity(world, manual_clock)
    with pytest.raises(Forbidden):
        services.answer_pre_emption(
            user=world.bidders[0].user, auction_id=auction.pk, exercise=True
        )
    services.answer_pre_emption(user=world.bidders[1].user, auction_id=auction.pk, exercise=True)
    auction.refresh_from_db()
    assert (auction.status, auction.winner_id) == (Auction.Status.SOLD, holder.pk)
    assert auction.final_price == 1_020_000_000
    leader.refresh_from_db()
    holder.refresh_from_db()
    assert holder.deposit_status == Registration.DepositStatus.TO_PRICE
    assert leader.deposit_status == Registration.DepositStatus.REFUND_DUE
    with pytest.raises(RuleViolation):
        services.answer_pre_emption(
            user=world.bidders[1].user, auction_id=auction.pk, exercise=False
        )


def test_a_declined_right_leaves_the_winner_by_bidding(world: World, manual_clock: Any) -> None:
    auction, leader, holder = _equity(world, manual_clock)
    services.answer_pre_emption(user=world.bidders[1].user, auction_id=auction.pk, exercise=False)
    auction.refresh_from_db()
    assert (auction.status, auction.winner_id) == (Auction.Status.SOLD, leader.pk)
    holder.refresh_from_db()
    assert holder.pre_emption_answer == "declined"


def test_a_lapsed_window_leaves_the_winner_by_bidding(world: World, manual_clock: Any) -> None:
    auction, leader, _ = _equity(world, manual_clock)
    manual_clock.advance(timedelta(hours=24))
    run_due()
    auction.refresh_from_db()
    assert (auction.status, auction.winner_id) == (Auction.Status.SOLD, leader.pk)
    with pytest.raises(RuleViolation):
        services.answer_pre_emption(
            user=world.bidders[1].user, auction_id=auction.pk, exercise=True
        )


def test_a_right_only_where_the_trade_type_has_one(world: World) -> None:
    land = announced(world)
    reg = services.apply(user=world.bidders[0].user, auction_id=land.pk)
    with pytest.raises(DomainError) as refused:
        services.review(
            user=world.centre_staff, registration_id=reg.pk, accept=True, pre_emption=True
        )
    assert refused.value.code == "no_pre_emption"
    reg.refresh_from_db()
    assert reg.status == Registration.Status.APPLIED
    assert not isinstance(refused.value, Conflict)
