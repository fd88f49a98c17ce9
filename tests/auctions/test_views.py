"""The auction pages: the public list and hall show bidder numbers only; a bidder applies
and bids from the page without JavaScript; the centre's desk names the applicants and is
refused to everyone else."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from ggzy.auctions import services
from ggzy.auctions.models import Auction, AuctionBid
from ggzy.auctions.sealed_bid import keyholder_shares
from ggzy.kernel import clock
from tests.fixtures.tendering import World

from .flow import announced, open_reserve, qualify, register

pytestmark = pytest.mark.django_db


def test_the_public_sees_numbers_never_names(world: World, client: Any, manual_clock: Any) -> None:
    auction = announced(world)
    registration = qualify(world, auction, world.bidders[0])
    manual_clock.set(auction.starts_at)
    bidder = world.bidders[0].client
    page = bidder.get(f"/auctions/{auction.pk}/")
    assert page.status_code == 200 and registration.bidder_no in page.content.decode()
    form = bidder.post(
        f"/auctions/{auction.pk}/bids/", {"amount": "10000000.00", "key": "form-key-1"}
    )
    assert form.status_code == 302
    assert AuctionBid.objects.filter(auction=auction, key="form-key-1").exists()
    listing = client.get("/auctions/").content.decode()
    assert auction.code in listing and "¥10,000,000.00" in listing
    public = client.get(f"/auctions/{auction.pk}/").content.decode()
    assert registration.bidder_no in public
    assert world.bidders[0].entity is not None
    assert world.bidders[0].entity.name not in public
    assert "12000000" not in public and "12,000,000" not in public  # the sealed reserve


def test_a_bid_refused_on_the_form_says_why(world: World, manual_clock: Any) -> None:
    auction = announced(world)
    qualify(world, auction, world.bidders[0])
    manual_clock.set(auction.starts_at + timedelta(minutes=1))
    bidder = world.bidders[0].client
    response = bidder.post(
        f"/auctions/{auction.pk}/bids/", {"amount": "1.00", "key": "low-1"}, follow=True
    )
    assert "不低于" in response.content.decode()
    assert not AuctionBid.objects.filter(auction=auction).exists()


def test_applying_from_the_page_and_the_centre_desk(
    world: World, verified_client: Any, manual_clock: Any
) -> None:
    auction = announced(world)
    bidder = world.bidders[1]
    bidder.client.post(f"/auctions/{auction.pk}/apply/", {"statement": "参加竞买"})
    registration = auction.registrations.get()
    assert bidder.client.get(f"/auctions/{auction.pk}/desk/").status_code == 403
    staff = verified_client(world.centre_staff)
    desk = staff.get(f"/auctions/{auction.pk}/desk/").content.decode()
    assert bidder.entity is not None and bidder.entity.name in desk
    staff.post(f"/auctions/applications/{registration.pk}/review/", {"accept": "1"})
    staff.post(
        f"/auctions/applications/{registration.pk}/deposit/",
        {"kind": "transfer", "amount": "2000000.00", "reference": "DESK-1"},
    )
    registration.refresh_from_db()
    assert registration.status == "qualified" and registration.bidder_no
    assert staff.get("/auctions/applications/999999/review/").status_code == 405


def test_a_draft_is_hidden_from_the_public(world: World, client: Any) -> None:
    auction = register(world)
    assert client.get(f"/auctions/{auction.pk}/").status_code == 404
    assert Auction.objects.filter(pk=auction.pk).exists()


def test_centre_staff_enter_a_sale_from_the_form(
    world: World, verified_client: Any, manual_clock: Any
) -> None:
    staff = verified_client(world.centre_staff)
    assert world.bidders[0].client.get("/auctions/new/").status_code == 403
    page = staff.get("/auctions/new/")
    assert page.status_code == 200 and "竞价项目进场登记" in page.content.decode()
    starts = (manual_clock.now() + timedelta(days=25)).astimezone(clock.SHANGHAI)
    form = {
        "trade_type": "land_use",
        "method": "listing",
        "title": "表单登记地块",
        "transferor_uscc": world.initiator.entity.uscc if world.initiator.entity else "",
        "region": world.city.pk,
        "centre": world.centre.pk,
        "supervisor": world.housing.pk,
        "direction": "forward",
        "start_price": "1000000.00",
        "increment": "10000.00",
        "deposit": "100000.00",
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "free_ends_at": (starts + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"),
        "timed_seconds": "300",
    }
    short = staff.post("/auctions/new/", form)
    assert short.status_code == 400 and "第" in short.content.decode()  # the listing rule cited
    form["free_ends_at"] = (starts + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M")
    done = staff.post("/auctions/new/", form)
    assert done.status_code == 302
    auction = Auction.objects.get(title="表单登记地块")
    assert auction.starts_at == starts.replace(second=0, microsecond=0)


def test_after_the_close_keyholders_see_the_opening_and_how_to_hand_in(
    world: World, client: Any, manual_clock: Any, verified_client: Any
) -> None:
    auction = announced(world)
    qualify(world, auction, world.bidders[0])
    manual_clock.set(auction.starts_at + timedelta(minutes=1))
    services.place_bid(
        user=world.bidders[0].user, auction_id=auction.pk, amount="12500000.00", key="k-1"
    )
    manual_clock.set(auction.free_ends_at + timedelta(seconds=1))
    assert services.advance(auction.pk).status == Auction.Status.CLOSED
    first, second = (verified_client(holder.user) for holder, _ in world.keyholders[:2])
    holders = len(world.keyholders)
    page = first.get(f"/auctions/{auction.pk}/").content.decode()
    assert f"已有 0 个托管方提交份额，需 2 个（共 {holders} 个）" in page
    assert "ggzy bid auction-shares --server http://testserver" in page
    assert f"--auction {auction.pk} --key" in page and 'href="/accounts/tokens/"' in page
    public = client.get(f"/auctions/{auction.pk}/").content.decode()
    assert "已有 0 个托管方提交份额" in public and 'id="keyholder-shares"' not in public
    open_reserve(world, auction, holders=1)
    page = first.get(f"/auctions/{auction.pk}/").content.decode()
    assert "已有 1 个托管方提交份额" in page and 'id="keyholder-shares"' not in page
    assert 'id="keyholder-shares"' in second.get(f"/auctions/{auction.pk}/").content.decode()
    holder, key = world.keyholders[1]
    shares = keyholder_shares(services.envelope_parts(auction), key)
    services.submit_shares(user=holder.user, auction_id=auction.pk, shares=shares)
    done = client.get(f"/auctions/{auction.pk}/").content.decode()
    assert 'id="opening"' not in done and 'id="outcome"' in done
