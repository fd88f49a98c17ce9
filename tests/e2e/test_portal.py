"""In a real browser, without logging in: on the tendering demo's data, search the portal in
Chinese, open the tender notice and the trade's page, and verify a bid receipt against the
ledger; script in a notice never runs; an attachment downloads as published."""

import hashlib
import io
import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from ggzy.demo.load import load
from ggzy.demo.tender import tender_to_opening
from ggzy.kernel import clock
from ggzy.tendering.models import Bid
from ggzy.tendering.services.bids import receipt
from tests.fixtures.tendering import World
from tests.fixtures.threads import off_loop

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _tendering_demo() -> dict[str, Any]:
    """``ggzy demo`` and its tender-to-opening scenario; a receipt one demo bidder holds."""
    load(progress=lambda *_: None)
    assert tender_to_opening(lambda *_: None)
    bid = Bid.objects.filter(lot__project__name__contains="教学楼").order_by("pk").last()
    assert bid is not None
    return receipt(bid)


def test_search_open_notice_and_verify_receipt(
    page: Page,
    live_server: Any,
    tender_settings: Any,
    shot: Any,
    manual_clock: clock.ManualClock,
) -> None:
    issued = off_loop(_tendering_demo)
    base = live_server.url
    page.goto(f"{base}/")
    page.fill("#home-search input[name=q]", "教学楼")
    page.click("#home-search button")
    expect(page.locator("#results mark").first).to_have_text("教学楼")
    page.select_option("#filters select[name=kind]", "tender")
    page.click("#filters button")
    expect(page.locator("#results li")).to_have_count(1)
    shot("search")
    page.click("#results li a")
    expect(page.locator("#notice-title")).to_contain_text("湘西州某中学教学楼施工（演示）")
    expect(page.locator("#notice-body")).to_contain_text("投标截止")
    shot("notice")
    page.click("#trade-link")
    expect(page.locator("#trade-title")).to_have_text("湘西州某中学教学楼施工（演示）")
    expect(page.locator(".lot-result tr.bid")).to_have_count(5)  # the opening record
    page.goto(f"{base}/verify/")
    page.fill("#reference", json.dumps(issued))
    page.click("#verify-form button")
    expect(page.locator("#v-hash")).to_contain_text("一致")
    expect(page.locator("#v-signature")).to_contain_text("有效")
    shot("verified")


def _publish(world: World, **fields: Any) -> Any:
    """A notice published straight through the service, off the browser's event loop."""
    from ggzy.disclosure import services

    notice = services.Notice(
        kind="tender",
        category="works",
        region=world.city,
        centre=world.centre,
        trade_code="PORTAL-1",
        trade_title="门户测试",
        **fields,
    )
    return off_loop(lambda n: services.publish(n, actor="test"), notice)


def test_script_in_a_notice_body_is_never_executed(
    page: Page, live_server: Any, world: World, manual_clock: clock.ManualClock
) -> None:
    hostile = (
        "<p>正文</p><script>window.pwned = 1</script>"
        "<img src=x onerror='window.pwned = 2'><a href='javascript:window.pwned=3' id=l>链接</a>"
        "<svg onload='window.pwned = 4'></svg><iframe src='javascript:window.pwned=5'></iframe>"
    )
    notice = _publish(
        world, title="<script>window.pwned=6</script>脚本测试公告", body=hostile, html=True
    )
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{live_server.url}/notices/{notice.uid}/")
    expect(page.locator("#notice-body")).to_contain_text("正文")
    page.locator("#notice-body a").click()
    assert page.evaluate("window.pwned") is None and not dialogs
    page.goto(f"{live_server.url}/search?q=脚本测试")
    expect(page.locator("#results")).to_contain_text("脚本测试公告")
    assert page.evaluate("window.pwned") is None and not dialogs


def test_an_attachment_downloads_as_published(
    page: Page, live_server: Any, world: World, manual_clock: clock.ManualClock
) -> None:
    from ggzy.disclosure.attachments import File

    content = b"%PDF-1.7\n" + bytes(range(256)) * 8
    notice = _publish(
        world,
        title="附件测试成交结果公告",
        body="成交供应商：某公司",
        attachments=(File("招标文件.pdf", io.BytesIO(content)),),
    )
    page.goto(f"{live_server.url}/notices/{notice.uid}/")
    expect(page.locator("#attachments")).to_contain_text(hashlib.sha256(content).hexdigest())
    with page.expect_download() as download:
        page.click("#attachments a")
    assert download.value.suggested_filename == "招标文件.pdf"
    assert Path(download.value.path()).read_bytes() == content
