"""The evaluation report (Reg. Art 53) through the HTTP API: written dissent, the PDF, and
every member's signature with their own certificate."""

from __future__ import annotations

import base64
import hashlib
import io
import json
from pathlib import Path
from typing import Any

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from ggzy.core.selectors import verify_ledger
from ggzy.evaluation.models import Evaluation, Member
from ggzy.kernel import clock
from ggzy.tendering.models import Lot

from ..fixtures.evaluation import Room, signature
from ..fixtures.tendering import World
from ..tendering.flow import ok
from .flow import PRICES, fill, post, refused, room, seat_committee, url

SCORES = {"T1": "25", "B1": "8"}


@pytest.fixture
def concluded(
    world: World, manual_clock: clock.ManualClock, tmp_path: Path, verified_client: Any
) -> Room:
    made = room(world, manual_clock, tmp_path, verified_client, prices=PRICES[:3])
    seat_committee(made)
    for person in made.people:
        fill(made, person, SCORES)
    ok(post(made.people[0], url(made, "/conclude")))
    return made


def _statement(r: Room, person: Any) -> str:
    return str(ok(person.client.get(url(r, "/report/statement")))["statement"])


def test_dissent_only_while_the_result_awaits_its_report(concluded: Room, world: World) -> None:
    r = concluded
    chair, member = r.people[0], r.people[2]
    refused(post(member, url(r, "/dissent"), {"text": ""}), 400, "text_required")
    refused(post(world.bidders[0].client, url(r, "/dissent"), {"text": "异议"}), 403, "not_member")
    text = "第二名的施工组织设计存在重大缺陷，技术分偏高"
    state = ok(post(member, url(r, "/dissent"), {"text": text}))
    assert {m["id"]: m["dissent"] for m in state["members"]}[r.members[member.user.pk]] == text
    ok(post(chair, url(r, "/report")))
    refused(post(member, url(r, "/dissent"), {"text": "补充意见"}), 409, "wrong_stage")
    assert Member.objects.get(pk=r.members[member.user.pk]).dissent == text


def test_no_dissent_before_the_result(
    world: World, manual_clock: clock.ManualClock, tmp_path: Path, verified_client: Any
) -> None:
    r = room(world, manual_clock, tmp_path, verified_client, prices=PRICES[:3])
    refused(post(r.people[0], url(r, "/dissent"), {"text": "不同意"}), 409, "wrong_stage")
    seat_committee(r)
    refused(post(r.people[0], url(r, "/dissent"), {"text": "不同意"}), 409, "wrong_stage")
    refused(post(r.people[0], url(r, "/report")), 409, "wrong_stage")
    assert not Member.objects.exclude(dissent="").exists()


def test_the_report_is_a_real_pdf(concluded: Room) -> None:
    r = concluded
    chair = r.people[0]
    refused(r.staff.get(url(r, "/report.pdf")), 404, "not_found")
    refused(post(r.people[1], url(r, "/report")), 403, "not_chair")
    ok(post(r.people[3], url(r, "/dissent"), {"text": "对排序有保留意见"}))
    state = ok(post(chair, url(r, "/report")))
    assert state["status"] == "reported"
    response = r.staff.get(url(r, "/report.pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    data = b"".join(response.streaming_content)
    assert data.startswith(b"%PDF")
    assert hashlib.sha256(data).hexdigest() == state["report_digest"]
    reader = PdfFileReader(io.BytesIO(data))
    assert reader.root["/Pages"]["/Count"] >= 1
    # What each member signs names the lot, the evaluation and this very file.
    signed = json.loads(base64.b64decode(_statement(r, chair)))
    assert signed == {
        "type": "ggzy.evaluation-report",
        "lot": state["lot"]["code"],
        "evaluation": r.evaluation_id,
        "report_sha256": state["report_digest"],
    }
    refused(post(chair, url(r, "/report")), 409, "wrong_stage")


def test_only_members_sign_each_once_with_their_own_certificate(
    concluded: Room, world: World
) -> None:
    r = concluded
    chair, member = r.people[0], r.people[1]
    ok(post(chair, url(r, "/report")))
    statement = _statement(r, chair)
    # Not a member: refused, citing Reg. Art 53 (all members sign the report).
    stranger = world.bidders[0].client
    body = refused(
        post(stranger, url(r, "/report/signatures"), {"signature": "AAAA"}),
        403,
        "not_member",
        cites="第五十三条",
    )
    assert "Art 53" in body["message_en"]
    refused(
        post(r.staff, url(r, "/report/signatures"), {"signature": "AAAA"}),
        403,
        "not_member",
        cites="第五十三条",
    )
    # A member, but signing with someone else's key, or with garbage.
    wrong = signature(r.people[2], statement)
    refused(
        post(member, url(r, "/report/signatures"), {"signature": wrong}),
        400,
        "bad_signature",
        field="signature",
    )
    refused(
        post(member, url(r, "/report/signatures"), {"signature": "not base64!"}),
        400,
        "invalid",
        field="signature",
    )
    other = base64.b64encode(b'{"type":"something else"}').decode()
    refused(
        post(member, url(r, "/report/signatures"), {"signature": signature(member, other)}),
        400,
        "bad_signature",
    )
    assert not Member.objects.exclude(report_signature="").exists()
    state = ok(
        post(member, url(r, "/report/signatures"), {"signature": signature(member, statement)})
    )
    assert {m["id"]: m["signed_report"] for m in state["members"]}[r.members[member.user.pk]]
    assert state["status"] == "reported"
    refused(
        post(member, url(r, "/report/signatures"), {"signature": signature(member, statement)}),
        409,
        "already_signed",
    )
    for person in r.people:
        if person is not member:
            body = {"signature": signature(person, statement)}
            state = ok(post(person, url(r, "/report/signatures"), body))
    assert state["status"] == "complete"
    evaluation = Evaluation.objects.get(pk=r.evaluation_id)
    assert evaluation.completed_at is not None
    assert all(m.report_certificate_id for m in Member.objects.filter(evaluation=evaluation))
    assert Lot.objects.get(pk=r.lot_id).status == Lot.Status.EVALUATED
    refused(
        post(chair, url(r, "/report/signatures"), {"signature": signature(chair, statement)}),
        409,
        "wrong_stage",
    )
    # The result is now visible to the initiator's side, the sheets are not.
    party = ok(world.agent.client.get(url(r)))
    assert party["result"]["candidates"] and "members" not in party
    assert verify_ledger().ok
