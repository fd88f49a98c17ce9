"""Auctions' to-dos: the centre's desk reviews applications and confirms deposits of its own
sales; a buyer follows its application into the bidding periods; the keyholders open the
sealed envelopes after the close. Another centre and other entities see none of it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from ggzy.accounts.models import Role
from ggzy.auctions import services
from ggzy.auctions.models import Auction
from ggzy.auctions.sealed_bid import keyholder_shares
from ggzy.auctions.selectors import todos
from ggzy.kernel import clock
from tests.fixtures.tendering import World
from tests.fixtures.todos import kinds, only, outsider

from .flow import announced, qualify

pytestmark = pytest.mark.django_db


def test_the_desk_and_the_buyer_from_application_to_bidding(world: World) -> None:
    auction = announced(world)
    buyer, stranger = world.bidders[:2]
    desk, hall = f"/auctions/{auction.pk}/desk/", f"/auctions/{auction.pk}/"
    registration = services.apply(user=buyer.user, auction_id=auction.pk)
    review = only(todos(world.centre_staff), "auctions.review")
    assert (review.link, review.deadline) == (desk, auction.free_ends_at)
    assert "1" in review.title_zh
    applied = only(todos(buyer.user), "auctions.applied")
    assert (applied.link, applied.deadline) == (hall, auction.free_ends_at)
    assert todos(stranger.user) == []
    assert todos(outsider(Role.CENTRE)) == []  # another centre's desk

    services.review(user=world.centre_staff, registration_id=registration.pk, accept=True)
    assert kinds(todos(world.centre_staff)) == ["auctions.deposit"]
    assert kinds(todos(buyer.user)) == ["auctions.deposit_due"]
    services.confirm_deposit(
        user=world.centre_staff,
        registration_id=registration.pk,
        kind="transfer",
        amount=str(auction.deposit / 100),
        reference="TASK-BANK-1",
    )
    assert todos(world.centre_staff) == []
    listing = only(todos(buyer.user), "auctions.listing")
    assert listing.deadline == auction.free_ends_at and listing.link == hall


def test_timed_bidding_then_the_keyholders_shares(
    world: World, manual_clock: clock.ManualClock
) -> None:
    auction = announced(world, reserve="10100000.00")
    for party in world.bidders[:3]:
        qualify(world, auction, party)
    manual_clock.set(auction.starts_at + timedelta(hours=1))
    a, b, c = world.bidders[:3]
    services.place_bid(user=a.user, auction_id=auction.pk, amount="10000000", key="t-a-1")
    services.declare(user=a.user, auction_id=auction.pk)
    services.declare(user=b.user, auction_id=auction.pk)
    manual_clock.set(auction.free_ends_at)
    services.advance(auction.pk)
    auction.refresh_from_db()
    timed = only(todos(c.user), "auctions.timed")
    assert timed.deadline == auction.deadline and not timed.overdue
    assert todos(world.bidders[3].user) == []

    assert auction.deadline is not None
    manual_clock.set(auction.deadline)
    services.advance(auction.pk)
    assert Auction.objects.get(pk=auction.pk).status == Auction.Status.CLOSED
    holders: list[Any] = [h.user for h, _ in world.keyholders]
    for user in holders:
        assert "auctions.shares" in kinds(todos(user))
    assert "auctions.shares" not in kinds(todos(c.user))
    parts = services.envelope_parts(auction)
    (first, key), (second, _), _ = world.keyholders
    services.submit_shares(
        user=first.user, auction_id=auction.pk, shares=keyholder_shares(parts, key)
    )
    assert "auctions.shares" not in kinds(todos(first.user))
    assert "auctions.shares" in kinds(todos(second.user))
