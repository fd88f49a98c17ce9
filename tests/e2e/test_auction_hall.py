"""In a real browser, against the ASGI server (HTTP and WebSocket): a qualified bidder
watches the timed period of a land listing, bids from the hall page over the WebSocket,
sees the bid accepted and the countdown restart from the full period; a watcher's page
shows the new price without reloading."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from ggzy.auctions import services
from ggzy.auctions.models import AuctionBid
from ggzy.kernel import clock
from tests.auctions.flow import announced, qualify
from tests.fixtures.tendering import World
from tests.fixtures.threads import off_loop

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Hall-Bidder-2026"


def _log_in(page: Page, base: str, user: Any) -> None:
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/workspace/$"))


def test_a_bid_in_the_hall_restarts_the_countdown(
    page: Page,
    asgi_server: str,
    world: World,
    manual_clock: clock.ManualClock,
    shot: Any,
    browser: Any,
) -> None:
    auction = announced(world, timed_seconds=300)
    a, b = world.bidders[:2]
    mine, theirs = (qualify(world, auction, party) for party in (a, b))
    manual_clock.set(auction.starts_at)
    # The hall's broadcast cannot run on this thread, where Playwright's loop runs.
    off_loop(
        lambda: services.place_bid(user=b.user, auction_id=auction.pk, amount="10000000", key="b-1")
    )
    for party in (a, b):
        off_loop(lambda p=party: services.declare(user=p.user, auction_id=auction.pk))
    manual_clock.set(auction.free_ends_at + timedelta(seconds=200))  # 100 s of 300 left
    off_loop(lambda: services.advance(auction.pk))  # the scheduler's tick

    _log_in(page, asgi_server, a.user)
    page.goto(f"{asgi_server}/auctions/{auction.pk}/")
    expect(page.locator("#hall-live")).to_be_visible()
    expect(page.locator("#phase")).to_have_text("限时竞价期")
    expect(page.locator("#you")).to_have_text(mine.bidder_no)
    expect(page.locator("#standing")).to_have_text("您未领先")
    left = int(page.locator("#countdown").get_attribute("data-seconds") or "0")
    assert 90 <= left <= 100
    expect(page.locator("#bid-amount")).to_have_value("10100000.00")
    shot("before")

    watcher = browser.new_context(locale="zh-CN").new_page()
    watcher.goto(f"{asgi_server}/auctions/{auction.pk}/")
    expect(watcher.locator("#hall-live")).to_be_visible()

    page.click("#bid-submit")
    expect(page.locator("#bid-result")).to_contain_text("报价已受理，序号 2")
    expect(page.locator("#standing")).to_have_text("您当前领先")
    expect(page.locator("#price")).to_have_text("¥10,100,000.00")
    restarted = int(page.locator("#countdown").get_attribute("data-seconds") or "0")
    assert restarted >= 295, restarted
    expect(page.locator("#bid-amount")).to_have_value("10200000.00")
    expect(watcher.locator("#price")).to_have_text("¥10,100,000.00")
    expect(watcher.locator("#bids tbody tr").first).to_contain_text(mine.bidder_no)
    shot("after")

    page.fill("#bid-amount", "10150000.00")  # less than one increment above
    page.click("#bid-submit")
    expect(page.locator("#bid-result")).to_contain_text("不低于")
    last = AuctionBid.objects.filter(auction=auction).order_by("-seq").first()
    assert last is not None and (last.seq, last.bidder_no) == (2, mine.bidder_no)
    assert theirs.bidder_no != mine.bidder_no
