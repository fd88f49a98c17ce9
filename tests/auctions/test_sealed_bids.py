"""Single sealed bids (一次报价) through the API: each bidder seals its offer on its own
machine to the sale's keyholders; the platform checks the envelope without opening it;
after the deadline k keyholders open the reserve and every offer at once; the best offer
wins, the earliest of equal offers first. Bad envelopes are refused with a reason."""

from __future__ import annotations

import base64
import io
import json
from datetime import timedelta
from typing import Any

import pytest

from ggzy.auctions.models import Auction, SealedBid
from ggzy.auctions.sealed_bid import PLAINTEXT_BYTES, aad, keyholder_shares, seal_offer
from ggzy.core.models import LedgerEntry
from ggzy.core.scheduler import run_due
from ggzy.kernel import clock
from ggzy.kernel.crypto import get_suite
from ggzy.kernel.crypto.envelope import Escrow, seal
from tests.fixtures.tendering import Party, World
from tests.tendering.flow import ok

from .flow import announced, qualify

API = "/api/v1/auctions"
pytestmark = pytest.mark.django_db


def _post(client: Any, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, body, content_type="application/json")


def _envelope(party: Party, auction: Auction, amount: int, **override: Any) -> str:
    info = ok(party.client.get(f"{API}/{auction.pk}/sealing"))
    args = {
        "suite": info["suite"],
        "auction_code": info["auction"],
        "bidder_no": info["bidder_no"],
        "amount": amount,
        "keyholders": [pem.encode() for pem in info["keyholders"]],
        "threshold": info["threshold"],
        "sign_key_pem": party.keys["sign_key"],
    } | override
    return base64.b64encode(seal_offer(**args)).decode()


@pytest.fixture
def sale(world: World, manual_clock: Any) -> Auction:
    auction = announced(world, method="one_shot", reserve="10050000.00")
    for party in world.bidders[:4]:
        qualify(world, auction, party)
    manual_clock.set(auction.starts_at + timedelta(hours=1))
    return auction


def test_the_best_sealed_offer_wins_after_the_keyholders_open_them(
    world: World, sale: Auction, manual_clock: Any, verified_client: Any
) -> None:
    a, b, c, d = world.bidders[:4]
    url = f"{API}/{sale.pk}/sealed-bids"
    ok(_post(a.client, url, {"envelope": _envelope(a, sale, 1_030_000_000)}), 201)
    manual_clock.advance(timedelta(minutes=1))
    ok(_post(b.client, url, {"envelope": _envelope(b, sale, 1_030_000_000)}), 201)  # tie: later
    ok(_post(c.client, url, {"envelope": _envelope(c, sale, 1_010_000_000)}), 201)
    ok(_post(c.client, url, {"envelope": _envelope(c, sale, 1_020_000_000)}), 201)  # replaced
    ok(_post(d.client, url, {"envelope": _envelope(d, sale, 900_000_000)}), 201)  # below start
    live = _post(a.client, f"{API}/{sale.pk}/bids", {"amount": "10000000", "key": "open"})
    assert live.json()["code"] == "sealed_bids_only"
    assert SealedBid.objects.filter(auction=sale).count() == 4
    bodies = " ".join(
        LedgerEntry.objects.filter(kind="auction.sealed_bid").values_list("body", flat=True)
    )
    assert "1030000000" not in bodies and "amount" not in bodies

    manual_clock.set(sale.free_ends_at)
    late = _post(a.client, url, {"envelope": _envelope(a, sale, 1_040_000_000)})
    assert late.status_code == 422 and late.json()["code"] == "bidding_closed"
    run_due()
    sale.refresh_from_db()
    assert sale.status == Auction.Status.CLOSED
    parts = ok(verified_client(world.keyholders[0][0].user).get(f"{API}/{sale.pk}/envelopes"))[
        "envelopes"
    ]
    assert len(parts) == 5 and parts[0]["envelope"] == "reserve"
    for holder, key in world.keyholders[:2]:
        body = {"shares": keyholder_shares(parts, key)}
        ok(_post(verified_client(holder.user), f"{API}/{sale.pk}/shares", body))
    sale.refresh_from_db()
    assert sale.status == Auction.Status.SOLD
    assert sale.final_price == 1_030_000_000 and sale.reserve == 1_005_000_000
    assert sale.winner is not None and a.entity is not None
    assert sale.winner.entity_id == a.entity.pk  # the earlier of two equal offers
    offers = dict(SealedBid.objects.filter(auction=sale).values_list("bidder_no", "amount"))
    assert sorted(offers.values()) == [900_000_000, 1_020_000_000, 1_030_000_000, 1_030_000_000]
    assert LedgerEntry.objects.filter(kind="auction.sealed_bid_opened").count() == 4


def test_bad_envelopes_are_refused_before_anything_is_kept(world: World, sale: Auction) -> None:
    a, b = world.bidders[:2]
    url = f"{API}/{sale.pk}/sealed-bids"
    two = [h.public_pem.encode() for h, _ in world.keyholders[:2]]
    cases = [
        (_envelope(a, sale, 1, auction_code="TD000000"), "wrong_envelope"),
        (_envelope(a, sale, 1, threshold=3), "escrow_mismatch"),
        (_envelope(a, sale, 1, keyholders=two), "escrow_mismatch"),
        (_envelope(a, sale, 1, sign_key_pem=b.keys["sign_key"]), "signer_not_bound"),
        (base64.b64encode(b"not an envelope").decode(), None),
    ]
    for envelope, code in cases:
        refused = _post(a.client, url, {"envelope": envelope})
        assert refused.status_code == 400, refused.content
        if code:
            assert refused.json()["code"] == code
    assert _post(a.client, url, {"envelope": "%%%"}).status_code == 400
    stranger = world.bidders[5] if len(world.bidders) > 5 else world.initiator
    refused = _post(stranger.client, url, {"envelope": _envelope(a, sale, 1)})
    assert refused.json()["code"] == "not_qualified"
    assert not SealedBid.objects.filter(auction=sale).exists()


def test_no_sealed_bid_means_no_sale(world: World, sale: Auction, manual_clock: Any) -> None:
    manual_clock.set(sale.free_ends_at)
    run_due()
    sale.refresh_from_db()
    assert sale.status == Auction.Status.FAILED and "no bids" in sale.outcome
    assert clock.now() >= sale.free_ends_at


def test_a_bidder_cannot_block_the_opening_with_a_bad_plaintext(
    world: World, sale: Auction, manual_clock: Any, verified_client: Any
) -> None:
    """The bidder seals its own envelope: whatever is inside, the sale is still decided."""
    a, b = world.bidders[:2]
    url = f"{API}/{sale.pk}/sealed-bids"
    info = ok(b.client.get(f"{API}/{sale.pk}/sealing"))
    named = aad(info["auction"], info["bidder_no"])
    out = io.BytesIO()
    seal(
        get_suite(info["suite"]),
        io.BytesIO(b"[not, json"),
        out,
        signer_private_pem=b.keys["sign_key"],
        recipients=[],
        metadata=named,
        escrow=Escrow(info["threshold"], [pem.encode() for pem in info["keyholders"]]),
    )
    ok(_post(b.client, url, {"envelope": base64.b64encode(out.getvalue()).decode()}), 201)
    ok(_post(a.client, url, {"envelope": _envelope(a, sale, 1_020_000_000)}), 201)
    holder = verified_client(world.keyholders[0][0].user)
    early = holder.get(f"{API}/{sale.pk}/envelopes")
    assert early.status_code == 403  # not before the close: even their number tells
    assert a.client.get(f"{API}/{sale.pk}/envelopes").status_code == 403
    manual_clock.set(sale.free_ends_at)
    run_due()
    parts = ok(holder.get(f"{API}/{sale.pk}/envelopes"))["envelopes"]
    sizes = {json.loads(base64.b64decode(p["header"]))["size"] for p in parts}
    # the reserve and the honest offer are padded alike, so their length tells nothing; the
    # bad envelope is as its bidder made it
    assert sizes == {PLAINTEXT_BYTES, len(b"[not, json")}
    for keyholder, key in world.keyholders[:2]:
        body = {"shares": keyholder_shares(parts, key)}
        ok(_post(verified_client(keyholder.user), f"{API}/{sale.pk}/shares", body))
    sale.refresh_from_db()
    assert sale.status == Auction.Status.SOLD and sale.final_price == 1_020_000_000
    bad = SealedBid.objects.get(auction=sale, bidder_no=info["bidder_no"])
    assert bad.amount is None and "无法开启" in bad.invalid_reason
