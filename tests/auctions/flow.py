"""Steps of a sale for tests: entry, reserve, announcement, qualified bidders, shares."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from ggzy.auctions import services
from ggzy.auctions.models import Auction, Registration
from ggzy.auctions.sealed_bid import keyholder_shares
from ggzy.kernel import clock
from tests.fixtures.tendering import Party, World


def register(world: World, **overrides: Any) -> Auction:
    now = clock.now()
    starts = now + timedelta(days=21)
    data: dict[str, Any] = {
        "trade_type": "land_use",
        "method": "listing",
        "title": "长沙市岳麓区XG2026-01号地块国有建设用地使用权",
        "description": "住宅用地，面积 20,000 平方米，出让年限 70 年。",
        "transferor_uscc": world.initiator.entity.uscc if world.initiator.entity else "",
        "centre": world.centre.pk,
        "supervisor": world.housing.pk,
        "region": world.city.pk,
        "start_price": "10000000.00",
        "increment": "100000.00",
        "deposit": "2000000.00",
        "starts_at": starts,
        "free_ends_at": starts + timedelta(days=10),
        "timed_seconds": 300,
        "keyholders": [h.pk for h, _ in world.keyholders],
        "escrow_threshold": 2,
    }
    data.update(overrides)
    return services.register_auction(user=world.centre_staff, data=data)


def announced(world: World, reserve: str | None = "12000000.00", **overrides: Any) -> Auction:
    auction = register(world, **overrides)
    if reserve is not None:
        services.seal_reserve(user=world.initiator.user, auction_id=auction.pk, amount=reserve)
    return services.announce(user=world.centre_staff, auction_id=auction.pk)


def qualify(world: World, auction: Auction, party: Party) -> Registration:
    registration = services.apply(user=party.user, auction_id=auction.pk)
    services.review(user=world.centre_staff, registration_id=registration.pk, accept=True)
    return services.confirm_deposit(
        user=world.centre_staff,
        registration_id=registration.pk,
        kind="transfer",
        amount=str(auction.deposit / 100),
        reference=f"BANK-{auction.pk}-{registration.pk}",
    )


def open_reserve(world: World, auction: Auction, holders: int = 2) -> Auction:
    """``holders`` keyholders hand in their shares of every sealed envelope."""
    parts = services.envelope_parts(auction)
    for holder, key in world.keyholders[:holders]:
        shares = keyholder_shares(parts, key)
        services.submit_shares(user=holder.user, auction_id=auction.pk, shares=shares)
    auction.refresh_from_db()
    return auction
