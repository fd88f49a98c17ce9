"""Notices as open data: the portal's filters and search over JSON, stable uids, keyset
pages, one notice with its attachments, and clear 400s for bad input."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from ggzy.disclosure.attachments import File
from ggzy.kernel import clock

pytestmark = pytest.mark.django_db

API = "/api/v1/notices"


def test_list_filter_search_and_pages(
    client: Client, publish: Callable[..., Any], manual_clock: clock.ManualClock
) -> None:
    made = []
    for n in range(5):
        manual_clock.advance(timedelta(minutes=1))
        made.append(publish(trade_code=f"HH-2026-{n:03d}", title=f"第{n}号教学楼维修工程招标公告"))
    manual_clock.advance(timedelta(minutes=1))
    goods = publish(
        category="procurement",
        trade_code="HH-2026-009",
        trade_title="医用设备",
        title="医用设备采购公告",
    )
    first = client.get(API, {"limit": 2}).json()
    assert [n["uid"] for n in first["items"]] == [goods.uid, made[4].uid]
    item = first["items"][0]
    assert item["category"] == "procurement" and item["category_label"] == "政府采购"
    assert item["region"] == {"code": "431200", "name": "怀化市"}
    assert item["trade"]["url"].endswith("/trades/HH-2026-009/")
    assert item["digest"] == goods.digest and item["ledger_seq"] == goods.ledger_seq
    second = client.get(first["links"]["next"]).json()
    assert [n["uid"] for n in second["items"]] == [made[3].uid, made[2].uid]
    found = client.get(API, {"q": "教学楼", "category": "works", "limit": 10}).json()
    assert [n["uid"] for n in found["items"]] == [p.uid for p in reversed(made)]
    assert "<mark>教学楼</mark>" in found["items"][0]["title_html"] and found["next"] is None
    assert found["items"][0]["snippet_html"].startswith("招标人")
    assert client.get(API, {"q": "教学楼", "category": "procurement"}).json()["items"] == []


def test_one_notice_with_attachments_and_its_correction(
    client: Client, publish: Callable[..., Any]
) -> None:
    first = publish(attachments=(File("招标文件.pdf", io.BytesIO(b"%PDF-1.7 x")),))
    second = publish(body="更正后的正文", corrects=first)
    one = client.get(f"{API}/{first.uid}").json()
    assert one["body_html"] == first.body and "138****8000" in one["text"]
    (attachment,) = one["attachments"]
    assert attachment["name"] == "招标文件.pdf" and attachment["size"] == 10
    assert client.get(attachment["url"]).status_code == 200
    assert client.get(f"{API}/{second.uid}").json()["previous"] == first.uid
    listed = client.get(API).json()["items"]
    assert [(n["uid"], n["previous"]) for n in listed] == [
        (second.uid, first.uid),
        (first.uid, None),
    ]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ({"category": "space"}, "invalid_filter"),
        ({"region": "x1"}, "invalid_filter"),
        ({"from": "2026-13-01"}, "invalid_filter"),
        ({"limit": "0"}, "bad_limit"),
        ({"limit": "1000"}, "bad_limit"),
        ({"after": "tampered"}, "invalid_cursor"),
        ({"q": "教学楼", "after": "x" * 300}, "invalid_cursor"),
    ],
)
def test_bad_input_is_a_clear_400(
    client: Client, publish: Callable[..., Any], query: dict[str, str], code: str
) -> None:
    publish()
    response = client.get(API, query)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == code and body["message_zh"] and body["message_en"]


def test_unknown_notice_is_404(client: Client) -> None:
    response = client.get(f"{API}/NOSUCH")
    assert response.status_code == 404 and response.json()["message_zh"] == "公告不存在"
