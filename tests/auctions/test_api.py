"""A land listing end to end through the HTTP API only — entry, sealed reserve,
announcement, applications, review, deposits, bids, timed bidding, the scheduler's close,
the reserve opened by two keyholders, the result and the sealed confirmation — and every
bad input answered with a reason, never a 500."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from ggzy.auctions.sealed_bid import keyholder_shares
from ggzy.core import seal
from ggzy.core.scheduler import run_due
from ggzy.core.selectors import verify_ledger
from ggzy.kernel import clock
from tests.fixtures.tendering import World
from tests.tendering.flow import ok

API = "/api/v1/auctions"
pytestmark = pytest.mark.django_db


def _json(client: Any, path: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(path, body or {}, content_type="application/json")


@pytest.fixture
def staff(world: World, verified_client: Any) -> Any:
    return verified_client(world.centre_staff)


def _entry(world: World, staff: Any, **overrides: Any) -> dict[str, Any]:
    starts = clock.now() + timedelta(days=21)
    body = {
        "trade_type": "land_use",
        "method": "listing",
        "title": "岳麓区XG2026-02号地块",
        "transferor_uscc": world.initiator.entity.uscc if world.initiator.entity else "",
        "centre": world.centre.pk,
        "supervisor": world.housing.pk,
        "region": world.city.pk,
        "start_price": "5000000.00",
        "increment": "50000.00",
        "deposit": "1000000.00",
        "starts_at": starts.isoformat(),
        "free_ends_at": (starts + timedelta(days=10)).isoformat(),
        "timed_seconds": 60,
        "keyholders": [h.pk for h, _ in world.keyholders],
        "escrow_threshold": 2,
    } | overrides
    return _json(staff, API, body)  # type: ignore[no-any-return]


def _tick(manual_clock: clock.ManualClock, **delta: float) -> None:
    manual_clock.advance(timedelta(**delta))
    run_due()


def test_a_land_listing_end_to_end_through_the_api(
    world: World, staff: Any, manual_clock: clock.ManualClock, verified_client: Any
) -> None:
    auction = ok(_entry(world, staff), 201)
    aid = auction["id"]
    assert auction["code"].startswith("TD430100") and auction["has_reserve"]
    ok(_json(world.initiator.client, f"{API}/{aid}/reserve", {"amount": "5080000.00"}))
    ok(_json(staff, f"{API}/{aid}/announce"))
    numbers = {}
    for party in world.bidders[:3]:
        reg = ok(_json(party.client, f"{API}/{aid}/applications", {"statement": "依法竞买"}), 201)
        assert reg["entity"] is None and reg["bidder_no"] == ""
        ok(_json(staff, f"{API}/applications/{reg['id']}/review", {"accept": True}))
        done = ok(
            _json(
                staff,
                f"{API}/applications/{reg['id']}/deposit",
                {"kind": "transfer", "amount": "1000000.00", "reference": f"B{reg['id']}"},
            )
        )
        assert party.entity is not None
        assert (done["status"], done["entity"]) == ("qualified", party.entity.name)
        numbers[party.user.pk] = done["bidder_no"]
    mine = ok(world.bidders[0].client.get(f"{API}/{aid}/applications"))
    assert [r["bidder_no"] for r in mine] == [numbers[world.bidders[0].user.pk]]

    manual_clock.set(datetime.fromisoformat(auction["starts_at"]))
    a, b, c = world.bidders[:3]
    first = ok(_json(a.client, f"{API}/{aid}/bids", {"amount": "5000000.00", "key": "a-1"}), 201)
    again = ok(_json(a.client, f"{API}/{aid}/bids", {"amount": "5000000.00", "key": "a-1"}), 200)
    assert again["repeated"] and again["seq"] == first["seq"] == 1
    ok(_json(b.client, f"{API}/{aid}/bids", {"amount": "5050000.00", "key": "b-1"}), 201)
    ok(_json(a.client, f"{API}/{aid}/declare"))
    ok(_json(b.client, f"{API}/{aid}/declare"))

    # The listing ends: two declared, so timed bidding starts.
    manual_clock.set(datetime.fromisoformat(auction["free_ends_at"]))
    run_due()
    live = ok(world.agent.client.get(f"{API}/{aid}"))
    assert live["state"]["phase"] == "timed" and live["state"]["price"] == 505_000_000
    assert [bid["bidder_no"] for bid in live["bids"]] == [numbers[a.user.pk], numbers[b.user.pk]]
    assert "entity" not in str(live)
    _tick(manual_clock, seconds=59)
    ok(_json(a.client, f"{API}/{aid}/bids", {"amount": "5100000.00", "key": "a-2"}), 201)
    _tick(manual_clock, seconds=59)
    ok(_json(b.client, f"{API}/{aid}/bids", {"amount": "5150000.00", "key": "b-2"}), 201)
    _tick(manual_clock, seconds=60)  # a full period without a bid: closed
    late = _json(a.client, f"{API}/{aid}/bids", {"amount": "5200000.00", "key": "a-3"})
    assert late.status_code == 422 and late.json()["code"] == "bidding_closed"
    closed = ok(world.agent.client.get(f"{API}/{aid}/details"))
    assert closed["status"] == "closed" and closed["reserve"] is None

    keyholder = verified_client(world.keyholders[1][0].user)
    parts = ok(keyholder.get(f"{API}/{aid}/envelopes"))["envelopes"]
    assert [p["envelope"] for p in parts] == ["reserve"]
    for holder, key in world.keyholders[1:]:
        shares = keyholder_shares(parts, key)
        ok(_json(verified_client(holder.user), f"{API}/{aid}/shares", {"shares": shares}))
    sold = ok(world.agent.client.get(f"{API}/{aid}/details"))
    assert sold["status"] == "sold"
    assert (sold["final_price"], sold["reserve"]) == (515_000_000, 508_000_000)

    pdf = b.client.get(f"{API}/{aid}/confirmation.pdf")
    assert pdf.status_code == 200 and seal.verify_pdf(pdf.content).valid
    assert c.client.get(f"{API}/{aid}/confirmation.pdf").status_code == 403
    assert verify_ledger().ok


def test_bad_input_gets_a_reason_and_leaves_the_auction_as_it_was(
    world: World, staff: Any, manual_clock: clock.ManualClock
) -> None:
    refused = _entry(world, staff, start_price="-1")
    assert refused.status_code == 400 and refused.json()["field"] == "start_price"
    assert _entry(world, staff, trade_type="moon").json()["code"] == "unknown_trade_type"
    assert _entry(world, staff, starts_at="tomorrow").status_code == 422
    assert _json(world.bidders[0].client, API, {}).status_code in (403, 422)
    aid = ok(_entry(world, staff, keyholders=[], escrow_threshold=None), 201)["id"]
    ok(_json(staff, f"{API}/{aid}/announce"))
    reg = ok(_json(world.bidders[0].client, f"{API}/{aid}/applications"), 201)
    ok(_json(staff, f"{API}/applications/{reg['id']}/review", {"accept": True}))
    ok(
        _json(
            staff,
            f"{API}/applications/{reg['id']}/deposit",
            {"kind": "guarantee", "amount": "1000000", "reference": "G-9"},
        )
    )
    manual_clock.set(clock.now() + timedelta(days=22))
    bidder = world.bidders[0].client
    ok(_json(bidder, f"{API}/{aid}/bids", {"amount": "5000000", "key": "k1"}), 201)
    cases = [
        ({"amount": "5000000", "key": "k2"}, 422, "below_increment"),
        ({"amount": "abc", "key": "k3"}, 400, "money_format"),
        ({"amount": "5100000", "key": "bad key!"}, 400, "bad_key"),
        ({"amount": "5100000", "key": "k1"}, 409, "key_reused"),
        ({"amount": "5100000.001", "key": "k4"}, 400, None),
    ]
    for body, status, code in cases:
        response = _json(bidder, f"{API}/{aid}/bids", body)
        assert response.status_code == status, (body, response.content)
        if code:
            assert response.json()["code"] == code
    stranger = _json(
        world.bidders[1].client, f"{API}/{aid}/bids", {"amount": "5100000", "key": "s"}
    )
    assert stranger.json()["code"] == "not_qualified"
    malformed = bidder.post(f"{API}/{aid}/bids", "{not json", content_type="application/json")
    assert malformed.status_code == 400
    other = _json(bidder, f"{API}/999999/bids", {"amount": "5100000", "key": "k5"})
    assert other.status_code == 404
    live = ok(bidder.get(f"{API}/{aid}"))
    assert (live["state"]["seq"], live["state"]["price"]) == (1, 500_000_000)
