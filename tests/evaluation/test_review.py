"""Each member's review sheet through the HTTP API: exact scores within range, reasons for
failed checks, nothing half-saved, others' sheets hidden until one's own is submitted, the
chair returning a sheet, majority-failed checks and divergent scores."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ggzy.core.models import LedgerEntry
from ggzy.evaluation.models import CheckResult, Evaluation, Flag, Score
from ggzy.kernel import clock

from ..fixtures.evaluation import Room
from ..fixtures.tendering import World
from ..tendering.flow import ok
from .flow import (
    PRICES,
    fill,
    fill_each,
    post,
    refused,
    room,
    save_sheet,
    seat_committee,
    url,
)

PASS = {"Q1": {"passed": True}, "C1": {"passed": True}}


@pytest.fixture
def reviewing(
    world: World, manual_clock: clock.ManualClock, tmp_path: Path, verified_client: Any
) -> Room:
    made = room(world, manual_clock, tmp_path, verified_client, prices=PRICES[:3])
    seat_committee(made)
    return made


def _snapshot(r: Room) -> tuple[Any, ...]:
    evaluation = Evaluation.objects.get(pk=r.evaluation_id)
    return (
        sorted(Score.objects.values_list("member_id", "bid_id", "item", "value")),
        sorted(CheckResult.objects.values_list("member_id", "bid_id", "item", "passed", "reason")),
        evaluation.version,
        LedgerEntry.objects.count(),
    )


@pytest.mark.parametrize(
    ("scores", "field"),
    [
        ({"T1": "30.01"}, "scores.T1"),  # above the item's maximum of 30
        ({"T1": "-1"}, "scores.T1"),
        ({"B1": "9.5", "T1": "20.555"}, "scores.T1"),  # more than two decimals
        ({"T1": 20.5}, "scores.T1"),  # a float is not exact
        ({"T1": True}, "scores.T1"),
        ({"T1": "二十"}, "scores.T1"),
        ({"T1": None}, "scores.T1"),
        ({"T1": "NaN"}, "scores.T1"),
        ({"X9": "5"}, "scores.X9"),  # not in the method
    ],
)
def test_bad_scores_are_refused_and_nothing_is_saved(
    reviewing: Room, scores: dict[str, Any], field: str
) -> None:
    r = reviewing
    member, bid = r.people[0], r.bids[0]
    ok(save_sheet(r, member, bid, checks={"Q1": {"passed": True}}, scores={"T1": "20"}))
    before = _snapshot(r)
    body = refused(
        save_sheet(r, member, bid, checks={"C1": {"passed": True}}, scores={"B1": "6"} | scores),
        400,
        "score_invalid" if field == "scores.T1" else "invalid",
        field=field,
    )
    if field == "scores.T1":
        assert "0至30.00分" in body["message_zh"] and "第四十九条" in body["message_zh"]
    assert _snapshot(r) == before
    state = ok(member.client.get(url(r)))
    assert state["sheets"]["own"] == {
        str(bid): {"checks": {"Q1": {"passed": True, "reason": ""}}, "scores": {"T1": "20.00"}}
    }


def test_scores_at_the_bounds_and_with_two_decimals(reviewing: Room) -> None:
    r = reviewing
    member, bid = r.people[0], r.bids[0]
    ok(save_sheet(r, member, bid, scores={"T1": "30", "B1": 0}))
    ok(save_sheet(r, member, bid, scores={"T1": "29.95"}))
    state = ok(member.client.get(url(r)))
    assert state["sheets"]["own"][str(bid)]["scores"] == {"B1": "0.00", "T1": "29.95"}


@pytest.mark.parametrize(
    ("checks", "field", "code"),
    [
        ({"C1": {"passed": False}}, "checks.C1.reason", "text_required"),
        ({"C1": {"passed": False, "reason": "  "}}, "checks.C1.reason", "text_required"),
        ({"C1": {"passed": False, "reason": "<b>x</b>"}}, "checks.C1.reason", "text_markup"),
        ({"C1": {"reason": "x"}}, "checks.C1", "invalid"),
        ({"C1": {"passed": "no"}}, "checks.C1", "invalid"),
        ({"C1": False}, "checks.C1", "invalid"),
        ({"Z1": {"passed": True}}, "checks.Z1", "invalid"),
    ],
)
def test_bad_checks_are_refused_and_nothing_is_saved(
    reviewing: Room, checks: dict[str, Any], field: str, code: str
) -> None:
    r = reviewing
    member = r.people[1]
    before = _snapshot(r)
    refused(
        save_sheet(r, member, r.bids[1], checks={"Q1": {"passed": True}} | checks, scores={}),
        400,
        code,
        field=field,
    )
    assert _snapshot(r) == before


def test_a_rejected_bid_is_not_reviewed(reviewing: Room) -> None:
    r = reviewing
    chair, member = r.people[0], r.people[1]
    bid = r.bids[2]
    ok(save_sheet(r, member, bid, checks=PASS))
    ok(
        post(
            chair,
            url(r, "/rejections"),
            {
                "bid": bid,
                "reason": "not_responsive",
                "ground": "工期超过招标文件要求",
                "votes_for": 5,
                "votes_against": 0,
            },
        ),
        201,
    )
    before = _snapshot(r)
    refused(save_sheet(r, member, bid, checks=PASS), 404, "not_found", field="bid")
    assert _snapshot(r) == before
    refused(save_sheet(r, member, 10**9, checks=PASS), 404, "not_found", field="bid")
    state = ok(member.client.get(url(r)))
    assert not [m for m in state["missing"] if m.startswith(f"{bid}:")]
    # The rejected bid needs no review: a sheet complete for the other bids submits.
    fill(r, member, {"T1": "20", "B1": "5"})


def test_submit_with_gaps_is_refused_and_lists_them(reviewing: Room) -> None:
    r = reviewing
    member = r.people[2]
    first, second, third = r.bids
    ok(save_sheet(r, member, first, checks=PASS, scores={"T1": "20", "B1": "5"}))
    ok(save_sheet(r, member, second, checks={"Q1": {"passed": True}}, scores={"T1": "20"}))
    before = _snapshot(r)
    body = refused(post(member, url(r, "/submit")), 422, "sheet_incomplete")
    wanted = [f"{second}:C1", f"{second}:B1"] + [f"{third}:{i}" for i in ("Q1", "C1", "T1", "B1")]
    assert "共缺 6 项" in body["message_zh"]
    assert ", ".join(wanted[:5]) in body["message_en"]
    assert _snapshot(r) == before
    state = ok(member.client.get(url(r)))
    assert state["missing"] == wanted
    assert not state["me"]["submitted"]


def test_others_sheets_are_hidden_until_ones_own_is_submitted(reviewing: Room) -> None:
    r = reviewing
    first, second, third, *_ = r.people
    fill(r, first, {"T1": "25", "B1": "8"})
    fill(r, second, {"T1": "24", "B1": "7"})
    fill(r, third, {"T1": "5", "B1": "1"})
    ok(save_sheet(r, r.people[3], r.bids[0], scores={"T1": "12"}))
    state = ok(r.people[3].client.get(url(r)))
    assert "others" not in state["sheets"]
    assert set(state["sheets"]["own"]) == {str(r.bids[0])}
    assert state["divergences"] == []
    # Nor through the divergence list: it shows scores of others.
    assert ok(r.people[3].client.get(url(r, "/divergences"))) == []
    # Once submitted, the other submitted sheets are visible.
    state = fill(r, r.people[3], {"T1": "12", "B1": "3"})
    others = state["sheets"]["others"]
    assert set(others) == {first.name, second.name, third.name}
    assert others[third.name][str(r.bids[1])]["scores"] == {"B1": "1.00", "T1": "5.00"}
    # The staff running the room see nobody's sheet.
    assert ok(r.staff.get(url(r)))["sheets"] == {}


def test_a_submitted_sheet_changes_only_after_the_chair_returns_it(reviewing: Room) -> None:
    r = reviewing
    chair, member, other = r.people[0], r.people[1], r.people[2]
    member_id = r.members[member.user.pk]
    fill(r, member, {"T1": "25", "B1": "8"})
    before = _snapshot(r)
    refused(save_sheet(r, member, r.bids[0], scores={"T1": "20"}), 409, "sheet_submitted")
    refused(post(member, url(r, "/submit")), 409, "sheet_submitted")
    assert _snapshot(r) == before
    reason = {"reason": "施工组织设计评分与其他成员差异较大，请复核"}
    refused(post(other, url(r, f"/members/{member_id}/return"), reason), 403, "not_chair")
    refused(post(member, url(r, f"/members/{member_id}/return"), reason), 403, "not_chair")
    refused(post(r.staff, url(r, f"/members/{member_id}/return"), reason), 403, "not_member")
    other_id = r.members[other.user.pk]
    refused(post(chair, url(r, f"/members/{other_id}/return"), reason), 409, "not_submitted")
    refused(
        post(chair, url(r, f"/members/{member_id}/return"), {"reason": ""}), 400, "text_required"
    )
    assert _snapshot(r) == before
    state = ok(post(chair, url(r, f"/members/{member_id}/return"), reason))
    assert not {m["id"]: m for m in state["members"]}[member_id]["submitted"]
    ok(save_sheet(r, member, r.bids[0], scores={"T1": "21"}))
    state = ok(post(member, url(r, "/submit")))
    assert state["me"]["submitted"]
    assert state["sheets"]["own"][str(r.bids[0])]["scores"]["T1"] == "21.00"


def test_checks_failed_by_a_majority_raise_a_flag_after_the_last_submit(reviewing: Room) -> None:
    r = reviewing
    chair = r.people[0]
    a, b, c = r.bids
    scores = {bid: {"T1": "20", "B1": "5"} for bid in r.bids}
    by_three = {a: {"Q1": "资质证书已过期"}}
    fill_each(r, r.people[0], scores, by_three | {b: {"C1": "投标函未盖章"}})
    fill_each(r, r.people[1], scores, by_three)
    fill_each(r, r.people[2], scores, by_three)
    fill_each(r, r.people[3], scores, {c: {"C1": "签字不全"}})
    assert not Flag.objects.filter(kind=Flag.Kind.CHECK_FAILED).exists()
    state = fill_each(r, r.people[4], scores, {b: {"C1": "投标函未盖章"}})
    flags = [f for f in state["flags"] if f["kind"] == "check_failed"]
    assert [f["bid"] for f in flags] == [a]  # b and c: two and one of five, a minority
    assert flags[0]["detail"] == {
        "items": [{"item": "Q1", "votes": 3, "reasons": ["资质证书已过期"] * 3}]
    }
    refused(post(chair, url(r, "/conclude")), 422, "flags_open")
    # A returned sheet withdraws the undecided flag; it is counted again on resubmission,
    # once, from the sheets as they now stand.
    member_id = r.members[r.people[4].user.pk]
    ok(post(chair, url(r, f"/members/{member_id}/return"), {"reason": "复核"}))
    assert not Flag.objects.filter(kind=Flag.Kind.CHECK_FAILED).exists()
    ok(post(r.people[4], url(r, "/submit")))
    assert Flag.objects.filter(kind=Flag.Kind.CHECK_FAILED).count() == 1


def test_divergent_scores_are_listed_for_the_chair(reviewing: Room) -> None:
    r = reviewing
    first = r.bids[0]
    for person in r.people[:3]:
        fill(r, person, {"T1": "25", "B1": "8"})
    fill(r, r.people[3], {"T1": "17", "B1": "8"})
    scores = {bid: {"T1": "5", "B1": "8"} for bid in r.bids}
    scores[first] = {"T1": "20", "B1": "8"}
    state = fill_each(r, r.people[4], scores)
    last = r.people[4]
    # T1: the limit is 3/10 of 30 = 9 points from the mean of the others. 5 is 18 from
    # (25 × 3 + 17) / 4 = 23; 17 is 3 from 20; 20 is 3 from 23: only the 5s are listed.
    expected = [
        {
            "bid": bid,
            "item": "T1",
            "member": r.members[last.user.pk],
            "name": last.name,
            "score": "5.00",
            "others": ["25.00", "25.00", "25.00", "17.00"],
        }
        for bid in sorted(r.bids[1:])
    ]
    assert state["divergences"] == expected
    assert ok(r.people[0].client.get(url(r, "/divergences"))) == expected
