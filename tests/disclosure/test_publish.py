"""The publication service: sanitised, masked, witnessed; corrections are new versions."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ggzy.core.models import LedgerEntry
from ggzy.disclosure import policy, services
from ggzy.disclosure.models import Publication
from ggzy.kernel.errors import Conflict, InvalidInput

pytestmark = pytest.mark.django_db


def test_published_body_is_sanitised_masked_and_witnessed(publish: Callable[..., Any]) -> None:
    notice = publish(
        body=(
            "<p onclick='x()'>项目负责人身份证 11010519491231002X，手机 13800138000，"
            "账户 6222021234567890123，信用代码 91350100M000100Y43"
            "<script>alert(1)</script><a href='javascript:alert(2)'>链接</a></p>"
        ),
        html=True,
    )
    assert "<script" not in notice.body and "onclick" not in notice.body
    assert "javascript:" not in notice.body
    assert "110105********002X" in notice.body and "11010519491231002X" not in notice.body
    assert "138****8000" in notice.body and "6222***********0123" in notice.body
    assert "91350100M000100Y43" in notice.body  # credit codes are public
    entry = LedgerEntry.objects.get(seq=notice.ledger_seq)
    body = json.loads(entry.body)
    assert entry.kind == "disclosure.published"
    assert body["digest"] == notice.digest == services.digest_of(notice)
    assert body["uid"] == notice.uid


def test_plain_text_is_escaped_not_interpreted(publish: Callable[..., Any]) -> None:
    notice = publish(body="<b>不是标签</b>\n第二行")
    assert "&lt;b&gt;不是标签&lt;/b&gt;<br>第二行" in notice.body
    assert notice.text.startswith("<b>不是标签</b>")


def test_a_correction_is_a_new_linked_version(publish: Callable[..., Any]) -> None:
    first = publish(body="开标时间：2026年12月15日")
    second = publish(body="开标时间：2026年12月20日", corrects=first)
    assert second.version == 2 and second.previous == first
    first.refresh_from_db()
    assert first.body.endswith("15日</p>")  # never edited in place
    with pytest.raises(Conflict):
        publish(body="again", corrects=first)
    assert Publication.objects.count() == 2


def test_bad_notices_are_refused(publish: Callable[..., Any]) -> None:
    with pytest.raises(InvalidInput):
        publish(kind="rumour")
    with pytest.raises(InvalidInput):
        publish(category="space")
    with pytest.raises(InvalidInput):
        publish(title="  ")
    assert not Publication.objects.exists()


@given(st.text(max_size=300))
def test_masking_never_leaves_an_id_or_mobile(text: str) -> None:
    masked = policy.mask(text + " 11010519491231002X 13912345678")
    assert "11010519491231002X" not in masked and "13912345678" not in masked


@given(st.text(max_size=300))
def test_sanitising_never_leaves_script(text: str) -> None:
    cleaned = policy.sanitise(f"<script>{text}</script><img src=x onerror=alert(1)>{text}")
    assert "<script" not in cleaned.lower() and "onerror" not in cleaned.lower()
