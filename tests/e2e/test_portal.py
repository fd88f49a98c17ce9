"""In a real browser, without logging in: search the portal in Chinese, open the tender
notice, and verify a bid receipt against the ledger."""

import hashlib
import io
import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from ggzy.kernel import clock
from tests.e2e.test_tendering import off_loop
from tests.fixtures.tendering import World
from tests.tendering.flow import WORKS_SHEET, ok, publish, register, seal, upload

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_search_open_notice_and_verify_receipt(
    page: Page,
    live_server: Any,
    world: World,
    manual_clock: clock.ManualClock,
    tmp_path: Path,
    shot: Any,
) -> None:
    project = ok(register(world), 201)["project"]
    ok(publish(world, project["id"]), 201)
    lot_id = project["lots"][0]["id"]
    bidder = world.bidders[0]
    receipt = off_loop(upload, bidder, lot_id, seal(bidder, lot_id, tmp_path, WORKS_SHEET))

    base = live_server.url
    page.goto(f"{base}/")
    page.fill("#home-search input[name=q]", "教学楼")
    page.click("#home-search button")
    expect(page.locator("#results mark").first).to_have_text("教学楼")
    shot("search")
    page.click("#results li a")
    expect(page.locator("#notice-title")).to_contain_text("长沙市第一中学教学楼新建工程")
    expect(page.locator("#timeline")).to_contain_text(project["code"])
    shot("notice")
    page.click("#trade-link")
    expect(page.locator("#trade-title")).to_have_text("长沙市第一中学教学楼新建工程")
    expect(page.locator("#timeline li")).to_have_count(1)
    page.goto(f"{base}/verify/")
    page.fill("#reference", json.dumps(receipt))
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
