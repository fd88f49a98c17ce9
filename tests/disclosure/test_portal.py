"""The public portal without login: lists, filters, notice pages, feeds, sitemap, and the
receipt verification page."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ggzy.core.services import write_checkpoints
from ggzy.kernel import clock
from tests.fixtures.people import region

from ..fixtures.tendering import World
from ..tendering.flow import WORKS_SHEET, ok, register, seal, upload
from ..tendering.flow import publish as publish_tender

pytestmark = pytest.mark.django_db


def test_list_filters_and_notice_page(
    client: Client, publish: Callable[..., Any], manual_clock: clock.ManualClock
) -> None:
    works = publish()
    manual_clock.advance(timedelta(minutes=1))
    goods = publish(category="procurement", trade_code="HH-2026-002", title="医用设备采购公告")
    html = client.get("/notices/").content.decode()
    assert works.title in html and goods.title in html
    only_gp = client.get("/notices/?category=procurement").content.decode()
    assert goods.title in only_gp and works.title not in only_gp
    county = region("431202", "鹤城区", works.region)
    in_county = publish(region=county, trade_code="HH-2026-003", title="鹤城区道路工程招标公告")
    by_county = client.get("/notices/?region=431202").content.decode()
    assert '<option value="431202" selected>　　鹤城区</option>' in by_county
    assert in_county.title in by_county and works.title not in by_county
    by_city = client.get("/notices/?region=4312").content.decode()
    assert in_county.title in by_city and works.title in by_city
    unknown = client.get("/notices/?category=space&region=x1").content.decode()
    assert "未知的筛选条件" in unknown and works.title in unknown
    page = client.get(f"/notices/{works.uid}/").content.decode()
    assert "138****8000" in page and works.digest in page
    assert client.get("/notices/NOSUCHNOTICE/").status_code == 404


def test_home_page_is_cached_until_the_ledger_moves(
    client: Client, publish: Callable[..., Any], manual_clock: clock.ManualClock
) -> None:
    first = publish()
    with CaptureQueriesContext(connection) as cold:
        assert first.title in client.get("/").content.decode()
    with CaptureQueriesContext(connection) as warm:
        client.get("/")
    assert len(warm) < len(cold)
    manual_clock.advance(timedelta(minutes=1))
    second = publish(trade_code="HH-2026-002", title="怀化市人民医院医用设备采购公告")
    assert second.title in client.get("/").content.decode()  # no waiting for the cache
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get("/").content.decode()  # cached per language
    assert "Registered market entities" in english and "已登记市场主体" not in english


def test_trade_page_lists_its_notices(client: Client, publish: Callable[..., Any]) -> None:
    first = publish(body="开标时间：2026年12月15日")
    second = publish(body="开标时间：2026年12月20日", corrects=first)
    page = client.get("/trades/HH-2026-001/").content.decode()
    assert first.uid in page and second.uid in page and "v2" in page
    assert "lot-result" not in page  # no structured record for a trade outside tendering
    detail = client.get(f"/notices/{first.uid}/").content.decode()
    assert 'href="/trades/HH-2026-001/"' in detail
    for missing in ("/trades/NOPE/", "/trades/%3Cscript%3E/"):
        assert client.get(missing).status_code == 404


def test_correction_shows_the_difference(client: Client, publish: Callable[..., Any]) -> None:
    first = publish(body="开标时间：2026年12月15日")
    second = publish(body="开标时间：2026年12月20日", corrects=first)
    old = client.get(f"/notices/{first.uid}/").content.decode()
    assert 'id="superseded"' in old and second.uid in old
    new = client.get(f"/notices/{second.uid}/").content.decode()
    assert "<del>-开标时间：2026年12月15日</del>" in new
    assert "<ins>+开标时间：2026年12月20日</ins>" in new


def test_feeds_and_sitemap(client: Client, publish: Callable[..., Any]) -> None:
    notice = publish()
    rss = client.get("/feeds/notices.rss?category=works")
    assert rss.status_code == 200 and notice.title in rss.content.decode()
    atom = client.get("/feeds/notices.atom")
    assert "http://www.w3.org/2005/Atom" in atom.content.decode()
    assert (
        client.get("/feeds/notices.rss?category=procurement").content.decode().count("<item>") == 0
    )
    index = client.get("/sitemap.xml").content.decode()
    block = notice.pk // 50_000
    assert f"<loc>http://testserver/sitemaps/notices-{block}.xml</loc>" in index
    sitemap = client.get(f"/sitemaps/notices-{block}.xml").content.decode()
    assert f"/notices/{notice.uid}/</loc>" in sitemap
    assert "<url>" not in client.get(f"/sitemaps/notices-{block + 1}.xml").content.decode()


def test_verify_a_bid_receipt_and_a_notice(
    client: Client, world: World, manual_clock: clock.ManualClock, tmp_path: Path
) -> None:
    project = ok(register(world), 201)["project"]
    notice = ok(publish_tender(world, project["id"]), 201)
    lot_id = project["lots"][0]["id"]
    bidder = world.bidders[0]
    receipt = upload(bidder, lot_id, seal(bidder, lot_id, tmp_path, WORKS_SHEET))
    pasted = json.dumps(receipt)
    page = client.post("/verify/", {"reference": pasted}).content.decode()
    assert "✓ 一致" in page and 'id="v-signature">✓' in page
    assert "当日检查点尚未生成" in page
    manual_clock.advance(timedelta(days=1))
    assert write_checkpoints()
    page = client.post("/verify/", {"reference": pasted}).content.decode()
    assert 'id="v-proof">✓' in page
    forged = json.dumps(receipt | {"size": receipt["size"] + 1})
    assert 'id="v-signature">✗' in client.post("/verify/", {"reference": forged}).content.decode()
    other = json.dumps(receipt | {"ledger_hash": "0" * 64})
    assert "不一致" in client.post("/verify/", {"reference": other}).content.decode()
    uid = notice_uid(notice)
    assert uid in client.post("/verify/", {"reference": uid}).content.decode()
    for junk in ("", "{]", "x" * 30_000, "DROP TABLE", "😀"):
        assert client.post("/verify/", {"reference": junk}).status_code == 200


def notice_uid(notice: dict[str, Any]) -> str:
    from ggzy.tendering.models import Notice

    return Notice.objects.get(pk=notice["id"]).publication.uid
