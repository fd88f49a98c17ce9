"""The committee (评标委员会) through the HTTP API: formed from a completed draw plus the
initiator's representatives under the size and composition rules, signed in, a chair
elected, and a member replaced mid-way (Reg. Art 48)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from ggzy.accounts.models import Role
from ggzy.core.models import LedgerEntry
from ggzy.core.selectors import verify_ledger
from ggzy.evaluation.models import Evaluation, Member, Score
from ggzy.evaluation.scoring import draw_seats
from ggzy.evaluation.services import committee
from ggzy.experts.models import DrawRequest, Invitation
from ggzy.experts.services.draw import check_panel
from ggzy.kernel import clock
from ggzy.kernel.errors import InvalidInput, RuleViolation
from ggzy.tendering.models import Lot

from ..fixtures.evaluation import (
    EVAL_API,
    Room,
    draw_request,
    opened_lot,
    representative,
    signature,
    supplementary_expert,
)
from ..fixtures.tendering import World
from ..fixtures.todos import outsider
from ..tendering.flow import WORKS_SHEET, ok, publish, register
from .flow import (
    PRICES,
    fill,
    fill_each,
    post,
    refused,
    room,
    save_sheet,
    seat_committee,
    sign_all,
    url,
)

THREE = PRICES[:3]  # three valid bids, none flagged


@pytest.fixture
def lot(
    world: World, manual_clock: clock.ManualClock, tmp_path: Path, verified_client: Any
) -> Room:
    """An opened lot and a completed draw for it; the evaluation not started yet."""
    project, bids = opened_lot(world, manual_clock, tmp_path, sheet=WORKS_SHEET, prices=THREE)
    made = draw_request(world, project, project["lots"][0]["name"])
    made.bids, made.staff = bids, verified_client(world.centre_staff)
    return made


def _start(r: Room, *, request: int | None = None, reps: list[int] | None = None) -> Any:
    body = {
        "draw_request": r.request.pk if request is None else request,
        "representatives": [p.user.pk for p in r.representatives] if reps is None else reps,
    }
    return post(r.staff, f"{EVAL_API}/lots/{r.lot_id}/start", body)


def _nothing_started(r: Room) -> None:
    assert not Evaluation.objects.filter(lot_id=r.lot_id).exists()
    assert not Member.objects.exists()
    assert Lot.objects.get(pk=r.lot_id).status == Lot.Status.OPENED


def test_composition_refused(lot: Room, world: World, verified_client: Any) -> None:
    r = lot
    rep = r.representatives[0].user.pk
    refused(_start(r, reps=[]), 400, "invalid", field="representatives")
    extra = representative(world)
    refused(_start(r, reps=[rep, extra.user.pk]), 400, "invalid", field="representatives")
    refused(_start(r, reps=[rep, rep]), 400, "invalid", field="representatives")
    bidder_user = world.bidders[0].user.pk
    body = refused(_start(r, reps=[bidder_user]), 400, "invalid", field="representatives")
    assert world.initiator.entity is not None
    assert world.initiator.entity.name in body["message_zh"]
    refused(_start(r, reps=[world.agent.user.pk]), 400, "invalid", field="representatives")
    refused(_start(r, reps=[10**9]), 400, "invalid", field="representatives")
    refused(_start(r, request=10**9), 404, "not_found", field="draw_request")
    # Only the staff of the centre running the evaluation may start it.
    response = post(
        world.agent.client,
        f"{EVAL_API}/lots/{r.lot_id}/start",
        {"draw_request": r.request.pk, "representatives": [rep]},
    )
    refused(response, 403, "not_evaluation_staff")
    # A draw for another project.
    other = draw_request(
        world, {"code": "HN-OTHER-0001", "id": r.project_id, "lots": [{"id": r.lot_id}]}, "x"
    )
    body = refused(_start(r, request=other.request.pk), 400, "invalid", field="draw_request")
    assert "HN-OTHER-0001" in body["message_zh"]
    # A draw still under way.
    DrawRequest.objects.filter(pk=r.request.pk).update(status=DrawRequest.Status.OPEN)
    refused(_start(r), 409, "draw_incomplete", field="draw_request")
    DrawRequest.objects.filter(pk=r.request.pk).update(status=DrawRequest.Status.COMPLETE)
    # One expert declined and nobody replaced them: 4 members, not 5 or more and odd.
    first = Invitation.objects.filter(request=r.request).order_by("pk").first()
    assert first is not None
    Invitation.objects.filter(pk=first.pk).update(status=Invitation.Status.DECLINED)
    body = refused(_start(r), 422, "rule_violation", cites="第三十七条")
    assert body["rule"] == "works.panel_min_members"
    # Two representatives and three experts: experts below two thirds.
    DrawRequest.objects.filter(pk=r.request.pk).update(owner_representatives=2)
    body = refused(_start(r, reps=[rep, extra.user.pk]), 422, "rule_violation")
    assert body["rule"] == "works.panel_expert_min_fraction"
    _nothing_started(r)
    # Put right, the committee forms.
    DrawRequest.objects.filter(pk=r.request.pk).update(owner_representatives=1)
    Invitation.objects.filter(pk=first.pk).update(status=Invitation.Status.CONFIRMED)
    state = ok(_start(r), 201)
    assert state["status"] == "forming"
    assert [m["kind"] for m in state["members"]] == ["expert"] * 4 + ["representative"]
    assert Lot.objects.get(pk=r.lot_id).status == Lot.Status.EVALUATING
    # The lot is being evaluated: it cannot start again.
    refused(_start(r), 409, "not_opened")
    assert verify_ledger().ok


def test_start_refused_before_the_lot_is_opened(world: World, verified_client: Any) -> None:
    project = ok(register(world), 201)["project"]
    ok(publish(world, project["id"]), 201)
    made = draw_request(world, project, project["lots"][0]["name"])
    made.staff = verified_client(world.centre_staff)
    refused(_start(made), 409, "not_opened")
    assert not Evaluation.objects.exists()


def test_start_refused_without_a_method_in_the_documents(
    world: World, manual_clock: clock.ManualClock, tmp_path: Path, verified_client: Any
) -> None:
    project, _ = opened_lot(
        world, manual_clock, tmp_path, sheet=WORKS_SHEET, prices=THREE, with_method=False
    )
    made = draw_request(world, project, project["lots"][0]["name"])
    made.staff = verified_client(world.centre_staff)
    refused(_start(made), 400, "no_method", cites="第四十九条")
    _nothing_started(made)


def test_a_draw_forms_one_committee_only(
    world: World, manual_clock: clock.ManualClock, tmp_path: Path, verified_client: Any
) -> None:
    project, _ = opened_lot(world, manual_clock, tmp_path, sheet=WORKS_SHEET, prices=THREE, lots=2)
    made = draw_request(world, project, project["lots"][0]["name"])
    made.staff = verified_client(world.centre_staff)
    ok(_start(made), 201)
    made.lot_id = project["lots"][1]["id"]
    refused(_start(made), 409, "draw_used", field="draw_request")
    assert Lot.objects.get(pk=made.lot_id).status == Lot.Status.OPENED


def test_gp_non_tender_panels_may_have_three_members() -> None:
    for procedure in ("gp_negotiation", "gp_inquiry", "gp_consultation"):
        check_panel(procedure, 3, 3, 0)
        check_panel(procedure, 3, 2, 1)
        with pytest.raises(RuleViolation) as small:
            check_panel(procedure, 1, 1, 0)
        assert small.value.rule == "gp.non_tender_panel_min_members"
        with pytest.raises(RuleViolation) as even:
            check_panel(procedure, 4, 4, 0)
        assert even.value.rule == "gp.non_tender_panel_min_members"
        with pytest.raises(RuleViolation) as owners:
            check_panel(procedure, 3, 1, 2)
        assert owners.value.rule == "gp.non_tender_panel_expert_min_fraction"
    with pytest.raises(RuleViolation):
        check_panel("gp_tender", 3, 3, 0)


# --- the room ------------------------------------------------------------------------


@pytest.fixture
def started(
    world: World, manual_clock: clock.ManualClock, tmp_path: Path, verified_client: Any
) -> Room:
    return room(world, manual_clock, tmp_path, verified_client, prices=THREE)


def test_sign_in_and_chair(started: Room, world: World) -> None:
    r = started
    first, second, *rest = r.people
    member = r.members
    stranger = world.bidders[0].client
    refused(post(stranger, url(r, "/sign-in")), 403, "not_member")
    refused(
        post(stranger, url(r, "/sign-in"), {"member": member[first.user.pk]}),
        403,
        "not_evaluation_staff",
    )
    # A member signs in only themself.
    refused(
        post(first, url(r, "/sign-in"), {"member": member[second.user.pk]}),
        403,
        "not_evaluation_staff",
    )
    refused(post(r.staff, url(r, "/sign-in"), {"member": 10**9}), 404, "not_found")
    # The chair is chosen among members who have signed in, and recorded by the staff.
    refused(
        post(r.staff, url(r, "/chair"), {"member": member[first.user.pk]}), 409, "not_signed_in"
    )
    state = ok(post(first, url(r, "/sign-in")))
    assert state["me"]["signed_in"] and state["status"] == "forming"
    invitation = Member.objects.get(pk=member[first.user.pk]).invitation
    assert invitation is not None and invitation.signed_in_at is not None
    refused(post(first, url(r, "/sign-in")), 409, "already_signed_in")
    # The staff sign a member in on their behalf.
    ok(post(r.staff, url(r, "/sign-in"), {"member": member[second.user.pk]}))
    refused(
        post(first, url(r, "/chair"), {"member": member[first.user.pk]}),
        403,
        "not_evaluation_staff",
    )
    state = ok(post(r.staff, url(r, "/chair"), {"member": member[first.user.pk]}))
    assert [m["is_chair"] for m in state["members"]] == [True] + [False] * 4
    # A chair, but not everyone signed in: the review has not begun.
    assert state["status"] == "forming"
    refused(save_sheet(r, first, r.bids[0], scores={"T1": "20"}), 409, "wrong_stage")
    refused(post(first, url(r, "/submit")), 409, "wrong_stage")
    # The committee may choose another chair; only one at a time.
    state = ok(post(r.staff, url(r, "/chair"), {"member": member[second.user.pk]}))
    assert [m["is_chair"] for m in state["members"]] == [False, True, False, False, False]
    for person in rest[:-1]:
        assert ok(post(person, url(r, "/sign-in")))["status"] == "forming"
    state = ok(post(rest[-1], url(r, "/sign-in")))
    assert state["status"] == "reviewing"
    refused(
        post(r.staff, url(r, "/sign-in"), {"member": member[first.user.pk]}), 409, "wrong_stage"
    )


def test_review_waits_for_a_chair(started: Room) -> None:
    r = started
    for person in r.people:
        ok(post(person, url(r, "/sign-in")))
    assert ok(r.staff.get(url(r)))["status"] == "forming"
    refused(post(r.staff, url(r, "/chair"), {}), 404, "not_found", field="member")
    state = ok(post(r.staff, url(r, "/chair"), {"member": r.members[r.people[2].user.pk]}))
    assert state["status"] == "reviewing"


def test_the_staff_record_when_a_member_arrived(
    started: Room, manual_clock: clock.ManualClock
) -> None:
    r = started
    person = r.experts[0]
    member = r.members[person.user.pk]
    joined = Member.objects.get(pk=member).joined_at
    manual_clock.advance(timedelta(minutes=30))
    arrived = joined + timedelta(minutes=10)
    # Only the staff give the time; a member signs in now.
    refused(
        post(person, url(r, "/sign-in"), {"at": arrived.isoformat()}), 403, "not_evaluation_staff"
    )
    for wrong in (
        clock.now() + timedelta(minutes=1),
        joined - timedelta(minutes=1),
        arrived.replace(tzinfo=None),
    ):
        refused(
            post(r.staff, url(r, "/sign-in"), {"member": member, "at": wrong.isoformat()}),
            400,
            "invalid",
            field="at",
        )
    body = {"member": member, "at": arrived.isoformat()}
    ok(post(r.staff, url(r, "/sign-in"), body))
    signed = Member.objects.get(pk=member)
    assert signed.signed_in_at == arrived
    assert signed.invitation is not None and signed.invitation.signed_in_at == arrived
    refused(post(r.staff, url(r, "/sign-in"), body), 409, "already_signed_in")


def test_seats_are_drawn_from_a_seed_in_the_ledger(started: Room, verified_client: Any) -> None:
    r = started
    first, second, third, *rest = r.people
    early = [r.members[p.user.pk] for p in (first, second, third)]
    refused(post(r.staff, url(r, "/seats")), 409, "no_unseated")
    for person in (first, second, third):
        ok(post(person, url(r, "/sign-in")))
    refused(post(first, url(r, "/seats")), 403, "not_evaluation_staff")
    elsewhere = verified_client(outsider(Role.CENTRE))
    refused(post(elsewhere, url(r, "/seats")), 403, "not_evaluation_staff")
    with pytest.raises(InvalidInput):  # the service refuses a guessable seed
        committee.assign_seats(
            user=r.world.centre_staff, evaluation_id=r.evaluation_id, seed=b"16 bytes less 1"
        )
    state = ok(post(r.staff, url(r, "/seats")))
    seats = {m["id"]: m["seat"] for m in state["members"]}
    assert sorted(seats[m] for m in early) == [1, 2, 3]
    assert [seats[r.members[p.user.pk]] for p in rest] == [None] * len(rest)
    # The ledger holds the seed, so anyone can deal the seats again.
    body = json.loads(LedgerEntry.objects.get(kind="evaluation.seats_assigned").body)
    dealt = draw_seats(bytes.fromhex(body["seed"]), [1, 2, 3])
    assert body["seats"] == {str(m): seat for m, seat in zip(sorted(early), dealt, strict=True)}
    assert body["seats"] == {str(m): seats[m] for m in early}
    # A drawn expert's invitation shows the seat.
    for member in Member.objects.filter(pk__in=early, invitation__isnull=False):
        assert member.invitation is not None and member.invitation.seat == member.seat
    refused(post(r.staff, url(r, "/seats")), 409, "no_unseated")
    # Latecomers get the numbers left; the seated keep theirs.
    for person in rest:
        ok(post(person, url(r, "/sign-in")))
    state = ok(post(r.staff, url(r, "/seats")))
    assert sorted(m["seat"] for m in state["members"]) == [1, 2, 3, 4, 5]
    assert [m["seat"] for m in state["members"] if m["id"] in early] == [seats[m] for m in early]
    assert verify_ledger().ok


def test_a_replaced_members_seat_goes_to_the_newcomer(started: Room) -> None:
    r = started
    seat_committee(r)
    before = {m["id"]: m["seat"] for m in ok(post(r.staff, url(r, "/seats")))["members"]}
    leaving = Member.objects.get(pk=r.members[r.people[0].user.pk])
    assert leaving.invitation is not None and leaving.invitation.is_chair
    refused(post(r.staff, url(r, "/chair"), {"member": leaving.pk}), 409, "already_chair")
    ok(post(r.staff, url(r, f"/members/{leaving.pk}/replace"), {"reason": "突发疾病"}))
    invitation = Invitation.objects.get(pk=leaving.invitation.pk)
    assert invitation.status == Invitation.Status.REPLACED
    assert invitation.replaced_at == clock.now() and invitation.replaced_reason == "突发疾病"
    assert not invitation.is_chair and invitation.seat == before[leaving.pk]
    newcomer, confirmed = supplementary_expert(r)
    state = ok(post(r.staff, url(r, "/members"), {"invitation": confirmed.pk}), 201)
    joined = next(m["id"] for m in state["members"] if m["name"] == newcomer.name)
    ok(post(newcomer, url(r, "/sign-in")))
    state = ok(post(r.staff, url(r, "/seats")))
    assert {m["id"]: m["seat"] for m in state["members"]}[joined] == before[leaving.pk]
    # A new chair; when the committee changes its mind, the first steps down everywhere.
    ok(post(r.staff, url(r, "/chair"), {"member": joined}))
    second = Member.objects.get(pk=r.members[r.people[1].user.pk])
    ok(post(r.staff, url(r, "/chair"), {"member": second.pk}))
    chairs = Invitation.objects.filter(request=r.request, is_chair=True)
    assert list(chairs.values_list("pk", flat=True)) == [second.invitation_id]


def _t1(state: dict[str, Any]) -> dict[int, str]:
    return {row["bid"]: row["items"]["T1"] for row in state["result"]["rows"]}


def test_replacement_mid_way_voids_the_scores_and_redoes_the_result(
    started: Room, world: World
) -> None:
    r = started
    seat_committee(r)
    chair, leaving = r.people[0], r.experts[3]
    leaving_member = r.members[leaving.user.pk]
    for person in r.people:
        fill(r, person, {"T1": "5" if person is leaving else "25", "B1": "8"})
    state = ok(post(chair, url(r, "/conclude")))
    # (25 × 4 + 5) / 5
    assert set(_t1(state).values()) == {"21.00"}
    ok(post(r.people[1], url(r, "/dissent"), {"text": "保留意见"}))
    ok(post(chair, url(r, "/report")))
    statement = ok(chair.client.get(url(r, "/report/statement")))["statement"]
    ok(post(chair, url(r, "/report/signatures"), {"signature": signature(chair, statement)}))
    # A member falls ill after the report: replaced, their review void (Reg. Art 48).
    reason = {"reason": "突发疾病无法继续评标"}
    refused(
        post(chair, url(r, f"/members/{leaving_member}/replace"), reason),
        403,
        "not_evaluation_staff",
    )
    refused(
        post(r.staff, url(r, f"/members/{leaving_member}/replace"), {"reason": ""}),
        400,
        "text_required",
    )
    state = ok(post(r.staff, url(r, f"/members/{leaving_member}/replace"), reason))
    assert state["status"] == "forming"
    assert state["result"] is None and state["report_digest"] == ""
    lines = {m["id"]: m for m in state["members"]}
    assert lines[leaving_member]["replaced"]
    assert not any(m["signed_report"] or m["dissent"] for m in state["members"])
    replaced = Member.objects.get(pk=leaving_member)
    assert replaced.replaced_reason == reason["reason"] and replaced.invitation is not None
    invitation = Invitation.objects.get(pk=replaced.invitation.pk)
    assert invitation.status == Invitation.Status.REPLACED and invitation.replaced_at
    evaluation = Evaluation.objects.get(pk=r.evaluation_id)
    assert evaluation.concluded_at is None and evaluation.reported_at is None
    # Their scores stay on record, but no longer count.
    assert Score.objects.filter(member_id=leaving_member).count() == 2 * len(r.bids)
    refused(
        post(r.staff, url(r, f"/members/{leaving_member}/replace"), reason), 409, "member_replaced"
    )
    # The replaced member is off the committee.
    refused(post(leaving, url(r, "/sign-in")), 403, "not_member")
    r.experts.remove(leaving)
    # The newcomer comes from a supplementary draw of the same request, confirmed.
    _, pending = supplementary_expert(r, confirmed=False)
    refused(post(r.staff, url(r, "/members"), {"invitation": pending.pk}), 400, "invalid")
    refused(post(r.staff, url(r, "/members"), {"invitation": invitation.pk}), 400, "invalid")
    refused(post(r.staff, url(r, "/members"), {}), 400, "invalid", field="invitation")
    newcomer, confirmed = supplementary_expert(r)
    both = {"invitation": confirmed.pk, "representative": r.representatives[0].user.pk}
    refused(post(r.staff, url(r, "/members"), both), 400, "invalid", field="invitation")
    refused(
        post(chair, url(r, "/members"), {"invitation": confirmed.pk}), 403, "not_evaluation_staff"
    )
    state = ok(post(r.staff, url(r, "/members"), {"invitation": confirmed.pk}), 201)
    assert [m["name"] for m in state["members"] if not m["replaced"]][-1] == newcomer.name
    r.members[newcomer.user.pk] = next(
        m["id"] for m in state["members"] if m["name"] == newcomer.name
    )
    r.experts.append(newcomer)
    # Full now.
    spare = representative(world)
    refused(
        post(r.staff, url(r, "/members"), {"representative": spare.user.pk}), 409, "committee_full"
    )
    # The review resumes once the newcomer has signed in (the chair is still the chair).
    assert state["status"] == "forming"
    state = ok(post(newcomer, url(r, "/sign-in")))
    assert state["status"] == "reviewing"
    # The others' sheets stand; only the newcomer has to fill theirs.
    refused(post(chair, url(r, "/conclude")), 422, "sheets_outstanding")
    assert state["me"]["submitted"] is False and len(state["missing"]) == 4 * len(r.bids)
    fill(r, newcomer, {"T1": "20", "B1": "6"})
    state = ok(post(chair, url(r, "/conclude")))
    # (25 × 4 + 20) / 5 and (8 × 4 + 6) / 5: the replaced member's 5 and 8 are gone.
    assert set(_t1(state).values()) == {"24.00"}
    assert {row["items"]["B1"] for row in state["result"]["rows"]} == {"7.60"}
    ok(post(chair, url(r, "/report")))
    refused(
        post(leaving, url(r, "/report/signatures"), {"signature": "AAAA"}),
        403,
        "not_member",
        cites="第五十三条",
    )
    state = sign_all(r)
    assert state["status"] == "complete"
    assert Lot.objects.get(pk=r.lot_id).status == Lot.Status.EVALUATED
    assert verify_ledger().ok


def test_replacing_members_keeps_the_composition(started: Room, world: World) -> None:
    r = started
    expert, owner = r.experts[0], r.representatives[0]
    reason = {"reason": "与投标人存在利害关系，应当回避"}
    ok(post(r.staff, url(r, f"/members/{r.members[expert.user.pk]}/replace"), reason))
    # Three experts and two representatives would be fewer than two thirds experts.
    spare = representative(world)
    body = refused(
        post(r.staff, url(r, "/members"), {"representative": spare.user.pk}),
        422,
        "rule_violation",
        cites="第三十七条",
    )
    assert body["rule"] == "works.panel_expert_min_fraction"
    # A representative must act for the initiator.
    refused(
        post(r.staff, url(r, "/members"), {"representative": world.bidders[1].user.pk}),
        400,
        "invalid",
        field="representatives",
    )
    # A current member cannot take a second seat.
    refused(
        post(r.staff, url(r, "/members"), {"representative": owner.user.pk}), 409, "already_member"
    )
    ok(post(r.staff, url(r, f"/members/{r.members[owner.user.pk]}/replace"), reason))
    # The replaced representative cannot come back: their review is void.
    refused(
        post(r.staff, url(r, "/members"), {"representative": owner.user.pk}),
        409,
        "member_replaced",
        cites="第四十八条",
    )
    ok(post(r.staff, url(r, "/members"), {"representative": spare.user.pk}), 201)
    _, invitation = supplementary_expert(r)
    state = ok(post(r.staff, url(r, "/members"), {"invitation": invitation.pk}), 201)
    refused(post(r.staff, url(r, "/members"), {"invitation": invitation.pk}), 409, "committee_full")
    current = [m for m in state["members"] if not m["replaced"]]
    assert sorted(m["kind"] for m in current) == ["expert"] * 4 + ["representative"]
    assert (
        Invitation.objects.get(
            pk=Member.objects.get(pk=r.members[expert.user.pk]).invitation_id
        ).status
        == "replaced"
    )


def test_replacement_during_review_redoes_the_checks_it_decided(started: Room) -> None:
    r = started
    seat_committee(r)
    chair, leaving = r.people[0], r.experts[3]
    bid = r.bids[0]
    failing = {bid: {"Q1": "资质证书已过期"}}
    scores = {b: {"T1": "20", "B1": "5"} for b in r.bids}
    fill_each(r, r.people[1], scores, failing)
    fill_each(r, leaving, scores, failing)
    state = ok(r.people[1].client.get(url(r)))
    assert set(state["sheets"]["others"]) == {leaving.name}
    ok(post(r.staff, url(r, f"/members/{r.members[leaving.user.pk]}/replace"), {"reason": "回避"}))
    state = ok(r.people[1].client.get(url(r)))
    # The others keep their submitted sheets; the replaced member's is gone from view.
    assert state["status"] == "forming" and state["me"]["submitted"]
    assert state["sheets"]["others"] == {}
    newcomer, invitation = supplementary_expert(r)
    ok(post(r.staff, url(r, "/members"), {"invitation": invitation.pk}), 201)
    r.experts.remove(leaving)
    r.experts.append(newcomer)
    assert ok(post(newcomer, url(r, "/sign-in")))["status"] == "reviewing"
    fill_each(r, chair, scores, failing)
    for person in r.people[2:]:
        fill_each(r, person, scores)
    # Q1 on the bid failed by 2 of the 5 current members: no candidate for rejection,
    # though with the replaced member's vote it had been 3.
    state = ok(chair.client.get(url(r)))
    assert not [f for f in state["flags"] if f["kind"] == "check_failed"]
    state = ok(post(chair, url(r, "/conclude")))
    assert state["result"]["valid"] == len(r.bids)


def test_a_majority_with_the_replaced_member_is_recounted(started: Room) -> None:
    r = started
    seat_committee(r)
    chair, leaving = r.people[0], r.experts[3]
    bid = r.bids[0]
    failing = {bid: {"Q1": "资质证书已过期"}}
    scores = {b: {"T1": "20", "B1": "5"} for b in r.bids}
    for person in (chair, r.people[1], leaving):
        fill_each(r, person, scores, failing)
    for person in (r.people[2], r.people[4]):
        fill_each(r, person, scores)
    state = ok(chair.client.get(url(r)))
    assert [(f["bid"], f["kind"]) for f in state["flags"]] == [(bid, "check_failed")]
    ok(post(r.staff, url(r, f"/members/{r.members[leaving.user.pk]}/replace"), {"reason": "回避"}))
    newcomer, invitation = supplementary_expert(r)
    ok(post(r.staff, url(r, "/members"), {"invitation": invitation.pk}), 201)
    r.experts.remove(leaving)
    r.experts.append(newcomer)
    ok(post(newcomer, url(r, "/sign-in")))
    fill_each(r, newcomer, scores)
    state = ok(chair.client.get(url(r)))
    # 2 of 5 now: the undecided candidate raised by the old majority is withdrawn.
    assert not [f for f in state["flags"] if f["kind"] == "check_failed"]
    ok(post(chair, url(r, "/conclude")))
