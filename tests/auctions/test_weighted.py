"""Weighted bidding (权重报价) through the services: the centre sets each bidder's weight at
review; bids are compared as amount × weight; the winner pays its own amount; a weight
outside the range, or for a sale without weighting, is refused."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from ggzy.auctions import services
from ggzy.auctions.models import Auction
from ggzy.core.scheduler import run_due
from ggzy.kernel import clock
from ggzy.kernel.errors import DomainError, RuleViolation
from tests.fixtures.clock import working_days_after
from tests.fixtures.tendering import World

from .flow import announced

pytestmark = pytest.mark.django_db


def _weighted(world: World, manual_clock: Any) -> Auction:
    starts = working_days_after(clock.now(), 30)  # well past the disclosure period
    auction = announced(
        world,
        reserve=None,
        trade_type="asset_transfer",
        method="online",
        keyholders=[],
        escrow_threshold=None,
        weighted=True,
        starts_at=starts,
        free_ends_at=starts + timedelta(days=1),
        timed_seconds=60,
    )
    for party, weight in zip(world.bidders[:2], ("1.000", "1.100"), strict=True):
        reg = services.apply(user=party.user, auction_id=auction.pk)
        services.review(user=world.centre_staff, registration_id=reg.pk, accept=True, weight=weight)
        services.confirm_deposit(
            user=world.centre_staff,
            registration_id=reg.pk,
            kind="transfer",
            amount="2000000",
            reference=f"W{reg.pk}",
        )
    manual_clock.set(starts)
    return auction


def test_the_higher_weighted_score_wins_at_its_own_amount(world: World, manual_clock: Any) -> None:
    auction = _weighted(world, manual_clock)
    a, b = world.bidders[:2]
    services.place_bid(user=a.user, auction_id=auction.pk, amount="10000000.00", key="a1")
    with pytest.raises(RuleViolation) as low:  # 9,181,818.18 × 1.1 < 10,000,000 + 100,000
        services.place_bid(user=b.user, auction_id=auction.pk, amount="9181818.18", key="b0")
    assert low.value.code == "below_increment"
    services.place_bid(user=b.user, auction_id=auction.pk, amount="9181818.19", key="b1")
    auction.refresh_from_db()
    assert auction.leader and auction.price == 918_181_819
    manual_clock.set(auction.free_ends_at + timedelta(seconds=60))
    run_due()
    auction.refresh_from_db()
    assert auction.status == Auction.Status.SOLD and auction.final_price == 918_181_819
    assert auction.winner is not None and b.entity is not None
    assert auction.winner.entity_id == b.entity.pk


def test_weights_are_checked(world: World, manual_clock: Any) -> None:
    auction = _weighted(world, manual_clock)
    reg = services.apply(user=world.bidders[2].user, auction_id=auction.pk)
    for bad in ("3", "0.1234", "abc"):
        with pytest.raises(DomainError) as refused:
            services.review(
                user=world.centre_staff, registration_id=reg.pk, accept=True, weight=bad
            )
        assert refused.value.code == "bad_weight"
    plain = announced(world, reserve=None, keyholders=[], escrow_threshold=None)
    other = services.apply(user=world.bidders[0].user, auction_id=plain.pk)
    with pytest.raises(DomainError):
        services.review(
            user=world.centre_staff, registration_id=other.pk, accept=True, weight="1.1"
        )
    with pytest.raises(DomainError) as land:
        announced(world, reserve=None, keyholders=[], escrow_threshold=None, weighted=True)
    assert land.value.code == "weighted_not_allowed"
