"""The evaluation pages through Django's test client: the room by role, the scoring
workspace, the chair's and the staff's actions, the bid's documents, the report."""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from ggzy.evaluation.models import CheckResult, Evaluation, Member, Score
from ggzy.evaluation.services.report import statement
from ggzy.kernel import clock

from ..fixtures.evaluation import Person, Room, representative, signature
from ..fixtures.tendering import World
from ..tendering.flow import ok
from .flow import fill, post, room, seat_committee, url

ATTACHMENT = b"%PDF technical proposal " * 100
SCORES = {"T1": "25", "B1": "8"}


@pytest.fixture
def started(
    world: World, manual_clock: clock.ManualClock, tmp_path: Path, verified_client: Any
) -> Room:
    return room(world, manual_clock, tmp_path, verified_client)


@pytest.fixture
def reviewing(started: Room) -> Room:
    seat_committee(started)
    return started


def page(room: Room) -> str:
    return f"/evaluation/{room.evaluation_id}/"


def text(response: Any) -> str:
    return response.content.decode()


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def client_of(person: Person) -> Client:
    return person.client


def test_lists_by_role(started: Room, verified_client: Any) -> None:
    r = started
    member = client_of(r.experts[0])
    listed = member.get("/evaluation/")
    assert listed.status_code == 200 and f'href="{page(r)}"' in text(listed)
    assert "我的评标" in text(listed)
    staff = r.staff.get("/evaluation/")
    assert f'href="{page(r)}"' in text(staff) and "本中心的评标" in text(staff)
    stranger = r.world.bidders[0].client.get("/evaluation/")
    assert f'href="{page(r)}"' not in text(stranger)
    supervisor = verified_client(r.world.supervisor).get("/evaluation/")
    assert f'href="{page(r)}"' in text(supervisor)
    workspace = member.get("/workspace/")
    assert 'id="evaluation-panel"' in text(workspace) and 'href="/evaluation/"' in text(workspace)


def test_room_by_role(started: Room, verified_client: Any) -> None:
    r = started
    staff = text(r.staff.get(page(r)))
    assert 'id="staff"' in staff and "代为签到" in staff and 'id="my-seat"' not in staff
    assert 'hx-trigger="every 3s"' in staff and f"/evaluation/{r.evaluation_id}/live/" in staff
    for person in r.people:
        assert person.name in staff
    assert "投标报价高于最高投标限价" in staff  # the bid above the ceiling is flagged
    expert = client_of(r.experts[0]).get(page(r))
    assert expert.status_code == 200
    assert 'id="sign-in"' in text(expert) and 'id="staff"' not in text(expert)
    assert 'id="chair"' not in text(expert)
    supervisor = text(verified_client(r.world.supervisor).get(page(r)))
    assert 'id="committee"' in supervisor
    assert 'id="staff"' not in supervisor and 'id="my-seat"' not in supervisor
    # Strangers, the bidders and (before the end) the initiator get nothing.
    for outsider in (r.world.bidders[0].client, r.world.initiator.client):
        refused = outsider.get(page(r))
        assert refused.status_code == 404 and "评标不存在或无权查看" in text(refused)
        assert outsider.get(f"{page(r)}live/").status_code == 404
        assert outsider.post(f"{page(r)}sign-in/").status_code == 404


def test_signing_in_and_recording_the_chair(started: Room) -> None:
    r = started
    for person in r.people:
        c = person.client
        response = c.post(f"{page(r)}sign-in/", follow=True)
        assert "已签到。" in messages_of(response)
    again = r.people[0].client.post(f"{page(r)}sign-in/", follow=True)
    assert any("已签到" in m and "already signed in" in m for m in messages_of(again))
    chair = r.members[r.people[0].user.pk]
    response = r.staff.post(f"{page(r)}chair/", {"member": chair}, follow=True)
    assert "已记录主任委员。" in messages_of(response)
    assert Evaluation.objects.get(pk=r.evaluation_id).status == Evaluation.Status.REVIEWING
    chair_page = text(r.people[0].client.get(page(r)))
    assert 'id="chair"' in chair_page and 'id="conclude"' in chair_page


def test_staff_signs_a_member_in(started: Room) -> None:
    r = started
    member = r.members[r.experts[1].user.pk]
    r.staff.post(f"{page(r)}sign-in/", {"member": member})
    assert Member.objects.get(pk=member).signed_in_at is not None
    # A member cannot sign someone else in.
    other = r.members[r.experts[2].user.pk]
    response = r.experts[0].client.post(f"{page(r)}sign-in/", {"member": other}, follow=True)
    assert any("交易中心工作人员" in m for m in messages_of(response))
    assert Member.objects.get(pk=other).signed_in_at is None


def test_staff_deal_the_seats(started: Room) -> None:
    r = started
    assert 'id="assign-seats"' not in text(r.staff.get(page(r)))  # nobody has signed in
    expert = r.experts[0]
    expert.client.post(f"{page(r)}sign-in/")
    html = text(r.staff.get(page(r)))
    assert 'id="assign-seats"' in html and "1 名已签到成员尚无座位号。" in html
    response = r.staff.post(f"{page(r)}seats/", follow=True)
    assert "已随机分配座位号。" in messages_of(response)
    assert 'id="assign-seats"' not in text(response)
    assert Member.objects.get(pk=r.members[expert.user.pk]).seat == 1
    assert "您的座位号：1" in text(expert.client.get(page(r)))
    again = r.staff.post(f"{page(r)}seats/", follow=True)
    assert any("no signed-in member is waiting for a seat" in m for m in messages_of(again))


def test_scoring_workspace(reviewing: Room) -> None:
    r = reviewing
    c = r.experts[0].client
    response = c.get(page(r))
    html = text(response)
    for bid in r.bids:  # the fifth, above the ceiling, is flagged but still under review
        assert f'id="bid-{bid}"' in html
        assert f'action="/evaluation/{r.evaluation_id}/bids/{bid}/sheet/"' in html
        assert f"/evaluation/{r.evaluation_id}/bids/{bid}/files/tech-" in html
    assert 'name="check-Q1" value="pass"' in html and 'name="check-C1" value="fail"' in html
    assert re.search(r'name="score-T1" min="0" max="30\.00" step="0\.01"', html)
    assert re.search(r'name="score-B1" min="0" max="10\.00" step="0\.01"', html)
    assert "0 – 30.00" in html and "2.3\xa0KB" in html  # the range shown; the file's size
    assert "¥8,400,000.00" in html  # the price sheet beside the form
    # Save one bid: the form comes back filled in from the member's own sheet.
    bid = r.bids[0]
    body = {
        "check-Q1": "pass",
        "check-C1": "fail",
        "reason-C1": "投标函缺少法定代表人签字",
        "score-T1": "27.5",
        "score-B1": "9",
    }
    saved = c.post(f"{page(r)}bids/{bid}/sheet/", body)
    assert saved.status_code == 302 and saved["Location"].endswith(f"#bid-{bid}")
    member = Member.objects.get(pk=r.members[r.experts[0].user.pk])
    assert {s.item: str(s.value) for s in Score.objects.filter(member=member, bid_id=bid)} == {
        "T1": "27.50",
        "B1": "9.00",
    }
    check = CheckResult.objects.get(member=member, bid_id=bid, item="C1")
    assert not check.passed and check.reason == "投标函缺少法定代表人签字"
    html = text(c.get(page(r)))
    assert 'value="27.50"' in html and 'value="投标函缺少法定代表人签字"' in html
    assert 'name="check-C1" value="fail" checked' in html


def test_others_scores_hidden_until_submitting(reviewing: Room) -> None:
    r = reviewing
    first, second = r.people[0], r.people[1]
    fill(r, first, {"T1": "23.45", "B1": "7.65"})
    before = text(second.client.get(page(r)))
    assert "23.45" not in before and 'id="other-sheets"' not in before
    fill(r, second, SCORES)
    after = text(second.client.get(page(r)))
    assert 'id="other-sheets"' in after and "23.45" in after and "7.65" in after
    assert "您的评审表已提交" in after
    assert 'name="score-T1"' in after and 'class="save"' not in after  # read-only now


def test_bad_score_is_refused_and_nothing_saved(reviewing: Room) -> None:
    r = reviewing
    c = r.experts[0].client
    bid = r.bids[0]
    body = {"check-Q1": "pass", "check-C1": "pass", "score-T1": "35", "score-B1": "8"}
    response = c.post(f"{page(r)}bids/{bid}/sheet/", body)
    assert response.status_code == 400
    shown = messages_of(response)
    assert any("得分须为0至30" in m and "must be from 0 to 30" in m for m in shown), shown
    html = text(response)
    assert 'class="errorlist sheet-error"' in html and 'value="35"' in html  # input kept
    assert 'class="invalid" aria-invalid="true"' in html
    member = r.members[r.experts[0].user.pk]
    assert not Score.objects.filter(member_id=member).exists()
    assert not CheckResult.objects.filter(member_id=member).exists()
    # More than two decimals, and a failed check without a reason, are refused too.
    refused = c.post(f"{page(r)}bids/{bid}/sheet/", {"score-T1": "20.125"})
    assert refused.status_code == 400
    refused = c.post(f"{page(r)}bids/{bid}/sheet/", {"check-C1": "fail"})
    assert refused.status_code == 400
    assert not Score.objects.filter(member_id=member).exists()


def test_submit_incomplete_is_a_message(reviewing: Room) -> None:
    r = reviewing
    response = r.experts[0].client.post(f"{page(r)}submit/", follow=True)
    assert response.status_code == 200
    assert any("评审表尚未填完" in m and "incomplete" in m for m in messages_of(response))


def test_attachment_streams_the_bids_document(reviewing: Room) -> None:
    r = reviewing
    bid = r.bids[0]
    entity = r.world.bidders[0].entity
    assert entity is not None
    name = f"tech-{entity.pk}.pdf"
    c = r.experts[0].client
    html = text(c.get(page(r)))
    assert name in html
    response = c.get(f"{page(r)}bids/{bid}/files/{name}")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == ATTACHMENT
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["Content-Length"] == str(len(ATTACHMENT))
    missing = c.get(f"{page(r)}bids/{bid}/files/nothing.pdf")
    assert missing.status_code == 404 and "附件 nothing.pdf 不存在" in text(missing)
    stranger = r.world.bidders[1].client.get(f"{page(r)}bids/{bid}/files/{name}")
    assert stranger.status_code == 404


def test_live_fragment_says_when_the_page_is_stale(reviewing: Room) -> None:
    r = reviewing
    c = r.experts[0].client
    html = text(c.get(page(r)))
    key = re.search(r"live/\?key=([^\"]+)\"", html)
    assert key is not None
    fresh = c.get(f"{page(r)}live/?key={key.group(1)}", HTTP_HX_REQUEST="true")
    assert fresh.status_code == 200 and 'id="committee"' in text(fresh)
    assert "<html" not in text(fresh) and 'id="room-stale"' not in text(fresh)
    fill(r, r.people[1], SCORES)  # another member submits: the committee line changes
    again = text(c.get(f"{page(r)}live/?key={key.group(1)}"))
    assert again.count("已提交") >= 1 and 'id="room-stale"' not in again
    ok(
        post(
            r.staff,
            url(r, f"/members/{r.members[r.people[2].user.pk]}/replace"),
            {"reason": "回避"},
        )
    )
    stale = text(c.get(f"{page(r)}live/?key={key.group(1)}"))
    assert 'id="room-stale"' in stale and "组建评标委员会" in stale


def test_chair_runs_the_evaluation_to_the_signed_report(reviewing: Room) -> None:
    r = reviewing
    chair = r.people[0].client
    state = ok(r.staff.get(url(r)))
    flag = next(f for f in state["flags"] if f["kind"] == "above_ceiling")
    # Votes that do not add up are refused with a message; a good vote rejects the bid.
    bad = chair.post(
        f"{page(r)}flags/{flag['id']}/resolve/",
        {"votes_for": "3", "votes_against": "0", "reason": "price", "ground": "高于限价"},
        follow=True,
    )
    assert any("同意票与反对票之和" in m for m in messages_of(bad))
    done = chair.post(
        f"{page(r)}flags/{flag['id']}/resolve/",
        {
            "votes_for": "5",
            "votes_against": "0",
            "reason": "price",
            "ground": "报价高于最高投标限价",
        },
        follow=True,
    )
    assert "已记录委员会的决定。" in messages_of(done)
    assert "报价高于最高投标限价" in text(done) and 'id="rejections"' in text(done)
    # A member cannot record the committee's decisions.
    member_try = r.people[1].client.post(
        f"{page(r)}rejections/",
        {
            "bid": r.bids[3],
            "votes_for": "5",
            "votes_against": "0",
            "reason": "collusion",
            "ground": "x",
        },
        follow=True,
    )
    assert any("主任委员" in m for m in messages_of(member_try))
    for person in r.people[:-1]:
        fill(r, person, SCORES)
    fill(r, r.people[-1], {"T1": "5", "B1": "8"})
    html = text(chair.get(page(r)))
    assert 'id="divergences"' in html and r.people[-1].name in html
    returned = chair.post(
        f"{page(r)}members/{r.members[r.people[-1].user.pk]}/return/",
        {"reason": "技术分明显偏离，请复核"},
        follow=True,
    )
    assert "已退回该成员的评审表。" in messages_of(returned)
    last = r.people[-1].client
    assert 'id="submit-sheet"' in text(last.get(page(r)))
    for bid in r.bids[:4]:
        last.post(
            f"{page(r)}bids/{bid}/sheet/",
            {"check-Q1": "pass", "check-C1": "pass", "score-T1": "24"},
        )
    last.post(f"{page(r)}submit/")
    concluded = chair.post(f"{page(r)}conclude/", {"ground": ""}, follow=True)
    assert "已形成评标结果。" in messages_of(concluded)
    html = text(concluded)
    assert 'id="result-table"' in html and 'id="candidates"' in html
    assert 'id="dissent-form"' in html
    r.people[2].client.post(f"{page(r)}dissent/", {"text": "对第二名的技术分有保留意见"})
    reported = chair.post(f"{page(r)}report/", follow=True)
    assert "评标报告已生成，请各成员签署。" in messages_of(reported)
    html = text(reported)
    assert "对第二名的技术分有保留意见" in html and 'id="report-pdf"' in html
    assert 'id="sign-form"' in html and 'id="sign-in-browser"' in html  # intl: WebCrypto
    evaluation = Evaluation.objects.get(pk=r.evaluation_id)
    shown = base64.b64encode(statement(evaluation)).decode()
    assert shown in html
    pdf = r.people[1].client.get(f"{page(r)}report.pdf")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    wrong = chair.post(f"{page(r)}report/sign/", {"signature": "bm90IGEgc2lnbmF0dXJl"}, follow=True)
    assert any("签名无法用您绑定的有效签名证书验证" in m for m in messages_of(wrong))
    for person in r.people:
        signed = person.client.post(
            f"{page(r)}report/sign/", {"signature": signature(person, shown)}, follow=True
        )
        assert "您已签署评标报告。" in messages_of(signed)
    evaluation.refresh_from_db()
    assert evaluation.status == Evaluation.Status.COMPLETE
    # The initiator now sees the result (not the room).
    party = text(r.world.initiator.client.get(page(r)))
    assert 'id="result-table"' in party and 'id="committee"' not in party


def test_staff_replace_and_add_members(reviewing: Room) -> None:
    r = reviewing
    leaving = r.members[r.representatives[0].user.pk]
    no_reason = r.staff.post(f"{page(r)}members/{leaving}/replace/", {"reason": ""}, follow=True)
    assert any("请检查输入" in m for m in messages_of(no_reason))
    replaced = r.staff.post(
        f"{page(r)}members/{leaving}/replace/", {"reason": "与投标人存在利害关系"}, follow=True
    )
    assert "已更换该成员；评标委员会待补足后继续。" in messages_of(replaced)
    assert Evaluation.objects.get(pk=r.evaluation_id).status == Evaluation.Status.FORMING
    assert 'id="add-member"' in text(replaced)
    both = r.staff.post(f"{page(r)}members/", {"invitation": "", "representative": ""}, follow=True)
    assert any("二者选一" in m for m in messages_of(both))
    newcomer = representative(r.world)
    added = r.staff.post(
        f"{page(r)}members/", {"representative": str(newcomer.user.pk)}, follow=True
    )
    assert "已增补评标委员会成员。" in messages_of(added)
    assert Member.objects.filter(evaluation_id=r.evaluation_id, user=newcomer.user).exists()
    # Members cannot run the committee.
    by_member = r.experts[0].client.post(
        f"{page(r)}members/{r.members[r.experts[1].user.pk]}/replace/", {"reason": "x"}, follow=True
    )
    assert any("交易中心工作人员" in m for m in messages_of(by_member))


def test_room_in_english(reviewing: Room) -> None:
    c = reviewing.experts[0].client
    c.cookies["django_language"] = "en"
    html = text(c.get(page(reviewing)))
    assert "Evaluation room" in html and "Submit my sheet" in html and "Save" in html
