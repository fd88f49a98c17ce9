"""Project entry and notices: each statutory period and threshold, refused with its article."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given, settings
from hypothesis import strategies as st

from ggzy.accounts.models import Notification
from ggzy.core.models import LedgerEntry
from ggzy.kernel import clock
from ggzy.kernel.errors import DomainError
from ggzy.tendering.models import Document
from ggzy.tendering.procedures import PROCEDURES
from ggzy.tendering.services.documents import check_schedule

from ..conftest import START
from ..fixtures.clock import working_days_after, working_morning
from ..fixtures.tendering import World
from .flow import API, WORKS_SHEET, ok, publish, register, seal, start_upload


def _error(response: Any, code: str, cites: str = "") -> dict[str, Any]:
    body = response.json()
    assert body["code"] == code, body
    assert cites in body["message_zh"], body
    return body


def test_must_tender_voluntary_and_below_threshold(world: World) -> None:
    must = ok(register(world, estimate="4000000.00"), 201)
    assert must["project"]["entry_basis"] == "must"
    assert "国家发展改革委令第16号" in must["message_zh"] or "第五条" in must["message_zh"]
    voluntary = ok(register(world, estimate="1500000.00"), 201)
    assert voluntary["project"]["entry_basis"] == "voluntary"
    _error(register(world, estimate="800000.00"), "below_entry_threshold")


def test_deposit_above_two_percent_is_refused(world: World) -> None:
    lots = [{"name": "一标段", "estimate": "9000000.00", "deposit_amount": "180000.01"}]
    _error(register(world, lots=lots), "deposit_too_high", "第二十六条")
    lots[0]["deposit_amount"] = "180000.00"
    ok(register(world, lots=lots), 201)


def test_split_is_warned_and_recorded_for_supervisors(world: World) -> None:
    first = ok(register(world, estimate="2500000.00"), 201)
    assert first["split_warning"] is None
    second = ok(register(world, estimate="2000000.00"), 201)
    assert "化整为零" in second["split_warning"]["message_zh"]
    assert LedgerEntry.objects.filter(kind="project.split_warning").count() == 1
    assert Notification.objects.filter(recipient=world.supervisor, kind="split_warning").exists()


def test_procedure_must_fit_the_item(world: World) -> None:
    _error(register(world, procedure="gp_open"), "procedure_mismatch")
    _error(
        register(
            world, procedure="gp_inquiry", item="GP-SERVICES-GENERAL", supervisor=world.finance.pk
        ),
        "procedure_not_in_catalogue",
    )


def _notice(world: World, project_id: int, *, sale_days: int, deadline_days: int) -> Any:
    client = world.agent.client
    ok(
        client.post(
            f"{API}/projects/{project_id}/documents",
            {"title": "招标文件", "file": SimpleUploadedFile("招标文件.pdf", b"%PDF-1.7 doc")},
        ),
        201,
    )
    now = clock.now()
    return client.post(
        f"{API}/projects/{project_id}/notice",
        {
            "sale_starts_at": now.isoformat(),
            "sale_ends_at": (now + timedelta(days=sale_days)).isoformat(),
            "bid_deadline": (now + timedelta(days=deadline_days)).isoformat(),
            "body": "公告",
        },
        content_type="application/json",
    )


def test_notice_periods_cite_their_articles(world: World) -> None:
    project = ok(register(world), 201)["project"]
    _error(
        _notice(world, project["id"], sale_days=4, deadline_days=25), "period_too_short", "第十六条"
    )
    _error(
        _notice(world, project["id"], sale_days=5, deadline_days=19),
        "period_too_short",
        "第二十四条",
    )
    ok(_notice(world, project["id"], sale_days=5, deadline_days=20), 201)


def test_gp_documents_available_five_working_days(
    world: World, manual_clock: clock.ManualClock
) -> None:
    project = ok(
        register(world, procedure="gp_open", item="GP-GOODS-GENERAL", supervisor=world.finance.pk),
        201,
    )["project"]
    start = working_morning(manual_clock)
    # The first day counts: it and the three working days after it are four.
    four = working_days_after(start, 3) - start
    _error(
        _notice(world, project["id"], sale_days=four.days, deadline_days=25),
        "period_too_short",
        "第三十一条",
    )
    five = working_days_after(start, 4) - start
    ok(_notice(world, project["id"], sale_days=five.days, deadline_days=25), 201)


def test_amendment_less_than_15_days_before_deadline_must_move_it(
    world: World, manual_clock: clock.ManualClock
) -> None:
    project = ok(register(world), 201)["project"]
    ok(publish(world, project["id"]), 201)
    manual_clock.advance(timedelta(days=10))
    client = world.agent.client
    ok(
        client.post(
            f"{API}/projects/{project['id']}/documents",
            {
                "title": "修改",
                "kind": "amendment",
                "file": SimpleUploadedFile("修改.pdf", b"%PDF change"),
            },
        ),
        201,
    )
    _error(
        client.post(
            f"{API}/projects/{project['id']}/amendments",
            {"body": "修改工程量清单"},
            content_type="application/json",
        ),
        "deadline_must_move",
        "第二十三条",
    )
    new = (clock.now() + timedelta(days=15)).isoformat()
    notice = ok(
        client.post(
            f"{API}/projects/{project['id']}/amendments",
            {"body": "修改工程量清单", "new_deadline": new},
            content_type="application/json",
        ),
        201,
    )
    assert "顺延" in notice["body"]


def test_objection_suspends_until_answered(world: World, tmp_path: Path) -> None:
    project = ok(register(world), 201)["project"]
    ok(publish(world, project["id"]), 201)
    lot_id = project["lots"][0]["id"]
    bidder = world.bidders[0]
    document = ok(bidder.client.get(f"{API}/projects/{project['id']}/documents"))[0]
    bidder.client.get(f"{API}/documents/{document['id']}/download")
    objection = ok(
        bidder.client.post(
            f"{API}/projects/{project['id']}/objections",
            {"text": "资格条件排斥潜在投标人"},
            content_type="application/json",
        ),
        201,
    )
    path = seal(bidder, lot_id, tmp_path, WORKS_SHEET)
    _error(start_upload(bidder.client, lot_id, path), "procedure_suspended", "第二十二条")
    ok(
        world.agent.client.post(
            f"{API}/objections/{objection['id']}/answer",
            {"answer": "资格条件符合规定"},
            content_type="application/json",
        )
    )
    ok(start_upload(bidder.client, lot_id, path), 201)


def test_objection_too_late(world: World, manual_clock: clock.ManualClock) -> None:
    project = ok(register(world), 201)["project"]
    ok(publish(world, project["id"]), 201)
    bidder = world.bidders[0]
    document = ok(bidder.client.get(f"{API}/projects/{project['id']}/documents"))[0]
    bidder.client.get(f"{API}/documents/{document['id']}/download")
    manual_clock.advance(timedelta(days=12))
    _error(
        bidder.client.post(
            f"{API}/projects/{project['id']}/objections",
            {"text": "异议"},
            content_type="application/json",
        ),
        "objection_too_late",
        "第二十二条",
    )


@settings(max_examples=60, deadline=None)
@given(sale=st.integers(0, 40), period=st.integers(1, 60))
def test_a_schedule_passes_only_when_every_period_holds(sale: int, period: int) -> None:
    procedure = PROCEDURES["works_open_post"]
    issue = START
    expected_ok = sale >= 5 and period >= 20 and sale <= period

    def check() -> None:
        check_schedule(
            procedure,
            issue_at=issue,
            sale_ends_at=issue + timedelta(days=sale),
            deadline=issue + timedelta(days=period),
        )

    if expected_ok:
        check()
    else:
        with pytest.raises(DomainError):
            check()


@pytest.mark.parametrize("code", sorted(PROCEDURES))
def test_every_procedure_row_names_real_rules(code: str) -> None:
    from ggzy.kernel import rules

    procedure = PROCEDURES[code]
    for rule_id in (
        procedure.min_bidders_rule,
        procedure.tender_period_rule,
        procedure.doc_sale_rule,
        procedure.clarification_rule,
        procedure.objection_rule,
        procedure.panel_min_rule,
    ):
        if rule_id:
            assert rules.get(rule_id).citation_zh


@pytest.mark.parametrize("name", ["招标文件.html", "招标文件.txt", "招标文件"])
def test_documents_must_be_in_a_publishable_format(world: World, name: str) -> None:
    project = ok(register(world), 201)["project"]
    refused = world.agent.client.post(
        f"{API}/projects/{project['id']}/documents",
        {"title": "招标文件", "file": SimpleUploadedFile(name, b"<script>alert(1)</script>")},
    )
    _error(refused, "file_format", ".pdf")
    assert not Document.objects.filter(project_id=project["id"]).exists()
