"""``ggzy bid auction-seal`` and ``ggzy bid auction-shares`` against a live server: bidders
seal single sealed bids on their machines and hand them in with an API token; after the
deadline two keyholders unwrap and hand in their shares, and the sale is decided."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from ggzy.accounts.services import create_token
from ggzy.auctions import services
from ggzy.auctions.models import Auction, SealedBid
from ggzy.cli import main
from tests.fixtures.tendering import World

from .flow import announced, qualify

pytestmark = pytest.mark.django_db(transaction=True)


def _token(user: Any) -> str:
    return create_token(user=user, name="cli", scopes=["read", "write"], days=1)[1]


def test_sealed_bids_and_shares_from_the_command_line(
    world: World, manual_clock: Any, live_server: Any, tmp_path: Path, capsys: Any
) -> None:
    auction = announced(world, method="one_shot", reserve=None, has_reserve=False)
    a, b = world.bidders[:2]
    for party in (a, b):
        qualify(world, auction, party)
    manual_clock.set(auction.starts_at + timedelta(minutes=5))
    for party, amount in ((a, "10100000.00"), (b, "10300000.00")):
        key = tmp_path / f"{party.user.pk}.pem"
        key.write_bytes(party.keys["sign_key"])
        code = main(
            ["bid", "auction-seal", "--server", live_server.url, "--token", _token(party.user),
             "--auction", str(auction.pk), "--amount", amount, "--sign-key", str(key)]
        )  # fmt: skip
        assert code == 0, capsys.readouterr().err
    assert SealedBid.objects.filter(auction=auction).count() == 2
    stranger = tmp_path / "stranger.pem"
    stranger.write_bytes(world.bidders[2].keys["sign_key"])
    refused = main(
        ["bid", "auction-seal", "--server", live_server.url, "--token",
         _token(world.bidders[2].user), "--auction", str(auction.pk), "--amount", "1",
         "--sign-key", str(stranger)]
    )  # fmt: skip
    assert refused == 1 and "竞买号" in capsys.readouterr().err

    manual_clock.set(auction.free_ends_at)
    services.advance(auction.pk)
    for holder, private in world.keyholders[:2]:
        key = tmp_path / f"holder-{holder.pk}.pem"
        key.write_bytes(private)
        code = main(
            ["bid", "auction-shares", "--server", live_server.url, "--token",
             _token(holder.user), "--auction", str(auction.pk), "--key", str(key)]
        )  # fmt: skip
        assert code == 0, capsys.readouterr().err
    auction.refresh_from_db()
    assert (auction.status, auction.final_price) == (Auction.Status.SOLD, 1_030_000_000)
