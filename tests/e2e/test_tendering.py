"""In a real browser: a bidder uploads a sealed bid through the page's chunked uploader and
sees the receipt; after the deadline the opening hall shows the bidders read out."""

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from ggzy.kernel import clock
from ggzy.tendering.models import Bid, Lot
from ggzy.tendering.services import open_due_lots
from tests.fixtures.tendering import World
from tests.fixtures.threads import off_loop
from tests.tendering.flow import WORKS_SHEET, ok, publish, register, seal, upload

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Sealed-Bid-2026"


def test_bidder_uploads_sealed_bid_and_watches_the_opening(
    page: Page,
    live_server: Any,
    world: World,
    manual_clock: clock.ManualClock,
    tmp_path: Path,
    shot: Any,
) -> None:
    base = live_server.url
    project = ok(register(world), 201)["project"]
    ok(publish(world, project["id"]), 201)
    lot_id = project["lots"][0]["id"]
    bidder = world.bidders[0]
    assert bidder.entity is not None
    sealed = seal(bidder, lot_id, tmp_path, WORKS_SHEET)
    bidder.user.set_password(PASSWORD)
    bidder.user.save(update_fields=["password"])

    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", bidder.user.username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/workspace/$"))
    page.goto(f"{base}/tendering/lots/{lot_id}/bid/")
    expect(page.locator("#seal-command")).to_contain_text(f"--lot {lot_id}")
    page.set_input_files("#sealed-file", str(sealed))
    page.click("#upload-button")
    expect(page.locator("#receipt-seq")).to_have_text(re.compile(r"^\d+$"), timeout=30_000)
    expect(page.locator("#upload-progress")).to_have_attribute("value", "100")
    shot("receipt")
    bid = Bid.objects.get(entity=bidder.entity)
    assert page.locator("#receipt-seq").inner_text() == str(bid.ledger_seq)
    assert bid.status == Bid.Status.SUBMITTED and bid.size == sealed.stat().st_size
    page.reload()
    expect(page.locator("#my-bids")).to_contain_text("已递交")

    for other in world.bidders[1:3]:  # three bids, or the lot fails at the opening
        off_loop(upload, other, lot_id, seal(other, lot_id, tmp_path, WORKS_SHEET))
    manual_clock.advance(timedelta(days=21, seconds=1))
    assert off_loop(open_due_lots) == 1
    assert Lot.objects.get(pk=lot_id).status == Lot.Status.OPENING

    page.goto(f"{base}/tendering/lots/{lot_id}/hall/")
    expect(page.locator("#lot-status")).to_have_text("开标中")
    expect(page.locator("#hall-bids")).to_contain_text(bidder.entity.name)
    expect(page.locator("#own-bids")).to_contain_text("ggzy bid release-key")
    page.click("#sign-in")
    expect(page.locator("#sign-ins")).to_contain_text(bidder.entity.name)
    # The key is released in the browser (WebCrypto, international suite): the private key
    # file is read by the page and never sent; only the unwrapped data key is posted.
    key_file = tmp_path / "encrypt.key.pem"
    key_file.write_bytes(bidder.keys["encrypt_key"])
    page.set_input_files("[data-release-form] input[type=file]", str(key_file))
    page.click("[data-release-form] button")
    expect(page.locator("#hall-bids")).to_contain_text("¥4,380,000.00", timeout=30_000)
    bid.refresh_from_db()
    assert bid.status == Bid.Status.DECRYPTED and bid.key_source == "bidder"
    shot("hall")
