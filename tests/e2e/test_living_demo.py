"""In a real browser, on the living demo: every portal category shows notices; each demo
role's 工作台 opens on its to-do list; demo_person follows its to-do into the equity sale's
timed bidding and takes the lead."""

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from ggzy.auctions.models import Auction, Registration
from ggzy.demo import DEMO_PASSWORD
from ggzy.demo.living import load_living
from ggzy.disclosure.models import Category
from ggzy.kernel import clock
from tests.fixtures.threads import off_loop

from .browser import log_in
from .demo_screenshots import ROLES

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_every_role_opens_on_its_todos_and_a_visitor_joins_the_live_sale(
    page: Page, asgi_server: str, tender_settings: Any, manual_clock: clock.ManualClock, shot: Any
) -> None:
    off_loop(load_living, lambda *_: None)
    page.goto(f"{asgi_server}/")
    for code, label in Category.choices:
        section = page.locator(f"#latest-{code}")
        expect(section).to_contain_text(str(label))
        expect(section.locator("a[href^='/notices/']").first).to_be_visible()
    shot("portal")

    for username in ROLES:
        page.context.clear_cookies()
        log_in(page, asgi_server, username, DEMO_PASSWORD)
        page.goto(f"{asgi_server}/workspace/")
        expect(page.locator("#todos tr.todo").first).to_be_visible()
        shot(f"workspace-{username}")

    live = Auction.objects.get(phase="timed", status=Auction.Status.ANNOUNCED)
    mine = Registration.objects.get(auction=live, entity__users__user__username="demo_person")
    page.context.clear_cookies()
    log_in(page, asgi_server, "demo_person", DEMO_PASSWORD)
    page.goto(f"{asgi_server}/workspace/")
    page.locator("#todos tr.todo", has_text=live.code).get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(rf"/auctions/{live.pk}/$"))
    expect(page.locator("#hall-live")).to_be_visible()
    expect(page.locator("#phase")).to_contain_text("限时")
    expect(page.locator("#you")).to_have_text(mine.bidder_no)
    page.click("#bid-submit")
    expect(page.locator("#leader")).to_have_text(mine.bidder_no)
    shot("live-sale-joined")
