"""Candidates for rejection the platform raises, the committee's votes on them (Reg. Art 51,
Art 40), and the result: conclusion, ranking with its tie-breaks, at most three candidates,
and the rejection of all bids when competition is insufficient."""

from __future__ import annotations

import itertools
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from ggzy.core.selectors import verify_ledger
from ggzy.evaluation.models import Evaluation, Flag, Member, Rejection, Score
from ggzy.evaluation.services.flags import REJECTION_REASONS, evaluated_bids
from ggzy.evaluation.services.result import compute
from ggzy.kernel import clock
from ggzy.tendering.models import Bid, Lot, Notice, Project

from ..fixtures.evaluation import GP_METHOD, Room
from ..fixtures.tendering import World
from ..tendering.flow import GP_SHEET, WORKS_SHEET, ok
from .flow import (
    PRICES,
    fill,
    fill_each,
    flags_of,
    post,
    refused,
    resolve,
    room,
    seat_committee,
    sign_all,
    url,
)

SCORES = {"T1": "25", "B1": "8"}


def _kinds(state: dict[str, Any]) -> list[tuple[int, str]]:
    return sorted((f["bid"], f["kind"]) for f in state["flags"])


def _reject(chair: Any, r: Room, bid: int, votes: tuple[int, int] = (5, 0), **extra: Any) -> Any:
    body = {
        "bid": bid,
        "reason": "not_responsive",
        "ground": "投标文件未对招标文件的工期要求作出响应",
        "votes_for": votes[0],
        "votes_against": votes[1],
        **extra,
    }
    return post(chair, url(r, "/rejections"), body)


# --- what the platform raises ----------------------------------------------------------


def test_deposit_missing_and_deposits_from_one_account(
    world: World, manual_clock: clock.ManualClock, tmp_path: Path, verified_client: Any
) -> None:
    r = room(
        world,
        manual_clock,
        tmp_path,
        verified_client,
        prices=PRICES[:4],
        no_deposit=(0,),
        same_account=(1, 2),
    )
    state = ok(r.staff.get(url(r)))
    assert _kinds(state) == sorted(
        [(r.bids[0], "deposit"), (r.bids[1], "same_account"), (r.bids[2], "same_account")]
    )
    details = {(f["bid"], f["kind"]): f["detail"] for f in state["flags"]}
    assert details[(r.bids[0], "deposit")] == {"required": "90000.00", "paid": "0"}
    second, third = world.bidders[1].entity, world.bidders[2].entity
    assert second is not None and third is not None
    assert second.bank_account == third.bank_account
    assert details[(r.bids[1], "same_account")] == {
        "shared": [{"key": f"account={second.bank_account}", "with": third.name}]
    }
    assert details[(r.bids[2], "same_account")] == {
        "shared": [{"key": f"account={second.bank_account}", "with": second.name}]
    }
    labels = {f["kind"]: f["label"] for f in state["flags"]}
    assert labels["same_account"] == "不同投标人的保证金从同一账户转出"


def test_two_prices_and_no_valid_price(
    world: World, manual_clock: clock.ManualClock, tmp_path: Path, verified_client: Any
) -> None:
    two = WORKS_SHEET | {"price": "8400000.00", "price_2": "8200000.00"}
    none = WORKS_SHEET | {"price": "八百四十万元"}
    r = room(
        world,
        manual_clock,
        tmp_path,
        verified_client,
        prices=PRICES[:4],
        raw_sheets={0: two, 1: none},
    )
    # The opening keeps a sealed sheet as the bidder made it, its problems marked.
    first, second = Bid.objects.get(pk=r.bids[0]), Bid.objects.get(pk=r.bids[1])
    assert first.price_sheet is not None and first.price_sheet["price"] == "8400000.00"
    assert "price_2" not in first.price_sheet
    assert [p["field"] for p in first.price_sheet_problems] == ["price_2"]
    assert second.price_sheet is not None and "price" not in second.price_sheet
    assert [p["field"] for p in second.price_sheet_problems] == ["price"]
    state = ok(r.staff.get(url(r)))
    assert _kinds(state) == sorted([(r.bids[0], "two_prices"), (r.bids[1], "no_price")])
    flags = flags_of(state)
    assert {(f["bid"], f["kind"]): f["detail"] for f in state["flags"]}[
        (r.bids[0], "two_prices")
    ] == {"fields": ["price_2"]}
    seat_committee(r)
    chair = r.people[0]
    # A bid without a valid price cannot be scored or ranked: it cannot be let through.
    refused(
        resolve(chair, flags[(r.bids[1], "no_price")], (2, 3), "报价可从投标函中读出"),
        422,
        "price_missing",
        cites="第五十一条",
    )
    assert Flag.objects.get(pk=flags[(r.bids[1], "no_price")]).resolved_at is None
    ok(
        resolve(
            chair,
            flags[(r.bids[1], "no_price")],
            (5, 0),
            "开标一览表无有效报价",
            reason="not_responsive",
        )
    )
    ok(
        resolve(
            chair,
            flags[(r.bids[0], "two_prices")],
            (4, 1),
            "开标一览表载有两个报价且未声明哪一个有效",
            reason="two_prices",
        )
    )
    for person in r.people:
        fill(r, person, SCORES)
    state = ok(post(chair, url(r, "/conclude")))
    assert state["result"]["valid"] == 2
    assert {x["bid"]: x["reason"] for x in state["result"]["rejected"]} == {
        r.bids[0]: "two_prices",
        r.bids[1]: "not_responsive",
    }
    assert sorted(row["bid"] for row in state["result"]["rows"]) == sorted(r.bids[2:])
    assert len(state["result"]["candidates"]) == 2


# --- the committee's votes -------------------------------------------------------------


@pytest.fixture
def works(
    world: World, manual_clock: clock.ManualClock, tmp_path: Path, verified_client: Any
) -> Room:
    """Five bids, the last above the ceiling; the committee seated."""
    made = room(world, manual_clock, tmp_path, verified_client)
    seat_committee(made)
    return made


def test_votes_and_reasons(works: Room, world: World) -> None:
    r = works
    chair, member = r.people[0], r.people[1]
    state = ok(chair.client.get(url(r)))
    flag = flags_of(state)[(r.bids[4], "above_ceiling")]
    ground = "报价高于最高投标限价"
    for votes in [(3, 1), (5, 1), (-1, 6), (0, 0)]:
        body = refused(resolve(chair, flag, votes, ground, reason="price"), 400, "invalid")
        assert body["field"] == "votes_for" and "5" in body["message_zh"]
    refused(resolve(member, flag, (5, 0), ground, reason="price"), 403, "not_chair")
    refused(resolve(r.staff, flag, (5, 0), ground, reason="price"), 403, "not_member")
    stranger = world.bidders[0].client
    refused(resolve(stranger, flag, (5, 0), ground, reason="price"), 403, "not_member")
    refused(resolve(chair, 10**9, (5, 0), ground, reason="price"), 404, "not_found")
    refused(resolve(chair, flag, (5, 0), "", reason="price"), 400, "text_required")
    # A rejection states one of the Art 51 reasons.
    for reason in ("cheap", None, ""):
        body = refused(
            resolve(chair, flag, (5, 0), ground, reason=reason),
            400,
            "invalid",
            field="reason",
            cites="第五十一条",
        )
        for code, (zh, _) in REJECTION_REASONS.items():
            assert code in body["message_en"] and zh in body["message_zh"]
    assert not Rejection.objects.exists()
    assert Flag.objects.get(pk=flag).resolved_at is None
    state = ok(resolve(chair, flag, (5, 0), ground, reason="price"))
    decided = {f["id"]: f for f in state["flags"]}[flag]
    assert decided["resolution"] == "rejected" and decided["reason"] == ground
    assert state["rejections"] == [
        {
            "bid": r.bids[4],
            "reason": "price",
            "reason_text": REJECTION_REASONS["price"][0],
            "ground": ground,
            "votes": [5, 0],
        }
    ]
    refused(resolve(chair, flag, (5, 0), ground, reason="price"), 409, "flag_resolved")
    # A rejection on the committee's own motion needs a majority too.
    body = refused(_reject(chair, r, r.bids[3], (2, 3)), 422, "no_majority", field="votes_for")
    assert "同意 2，反对 3" in body["message_zh"]
    refused(_reject(chair, r, r.bids[3], (3, 3)), 400, "invalid", field="votes_for")
    refused(_reject(chair, r, r.bids[3], reason="unlucky"), 400, "invalid", field="reason")
    refused(_reject(member, r, r.bids[3]), 403, "not_chair")
    refused(_reject(chair, r, 10**9), 404, "not_found", field="bid")
    refused(_reject(chair, r, r.bids[4]), 409, "already_rejected")
    assert Rejection.objects.count() == 1


def test_conclude_waits_for_every_sheet_and_every_flag(works: Room) -> None:
    r = works
    chair = r.people[0]
    refused(post(r.people[1], url(r, "/conclude")), 403, "not_chair")
    for person in r.people[:-1]:
        fill(r, person, SCORES)
    body = refused(post(chair, url(r, "/conclude")), 422, "sheets_outstanding")
    assert r.people[-1].name in body["message_zh"]
    fill(r, r.people[-1], SCORES)
    body = refused(post(chair, url(r, "/conclude")), 422, "flags_open")
    assert "1 项" in body["message_zh"]
    flag = flags_of(ok(chair.client.get(url(r))))[(r.bids[4], "above_ceiling")]
    ok(resolve(chair, flag, (1, 4), "经核实报价未超过最高投标限价"))
    assert Evaluation.objects.get(pk=r.evaluation_id).status == "reviewing"
    state = ok(post(chair, url(r, "/conclude")))
    result = state["result"]
    assert result["valid"] == 5 and len(result["rows"]) == 5
    # At most three ranked candidates (Reg. Art 53).
    assert result["candidates"] == [row["bid"] for row in result["rows"][:3]]
    assert [row["rank"] for row in result["rows"]] == [1, 2, 3, 4, 5]
    refused(post(chair, url(r, "/conclude")), 409, "wrong_stage")


def test_reject_all_is_refused_with_three_valid_bids(works: Room) -> None:
    r = works
    chair = r.people[0]
    flag = flags_of(ok(chair.client.get(url(r))))[(r.bids[4], "above_ceiling")]
    ok(resolve(chair, flag, (5, 0), "报价高于最高投标限价", reason="price"))
    ok(_reject(chair, r, r.bids[3]), 201)
    for person in r.people:
        fill(r, person, SCORES)
    before = Evaluation.objects.get(pk=r.evaluation_id)
    body = refused(
        post(chair, url(r, "/conclude"), {"reject_all": True, "ground": "竞争不充分"}),
        422,
        "reject_all_refused",
        cites="第二十七条",
    )
    assert "有效投标 3 家" in body["message_zh"]
    after = Evaluation.objects.get(pk=r.evaluation_id)
    assert (after.status, after.result, after.version) == ("reviewing", None, before.version)


def test_reject_all_with_fewer_than_three_valid_bids_fails_the_lot(works: Room) -> None:
    r = works
    chair = r.people[0]
    flag = flags_of(ok(chair.client.get(url(r))))[(r.bids[4], "above_ceiling")]
    ok(resolve(chair, flag, (5, 0), "报价高于最高投标限价", reason="price"))
    ok(_reject(chair, r, r.bids[3]), 201)
    ok(_reject(chair, r, r.bids[2], reason="unqualified", ground="项目经理无注册证书"), 201)
    # One member fails a check on a bid that stays valid (a minority).
    scores = dict.fromkeys(r.bids[:2], SCORES)
    fill_each(r, r.people[1], scores, {r.bids[0]: {"Q1": "安全生产许可证复印件模糊"}})
    for person in [r.people[0], *r.people[2:]]:
        fill_each(r, person, scores)
    ground = "有效投标仅两家，明显缺乏竞争"
    state = ok(post(chair, url(r, "/conclude"), {"reject_all": True, "ground": ground}))
    result = state["result"]
    assert result["failed"] and result["ground"] == ground and result["valid"] == 2
    assert result["rows"] == [] and result["candidates"] == []
    assert len(result["rejected"]) == 3
    state = ok(post(chair, url(r, "/report")))
    assert state["status"] == "reported"
    state = sign_all(r)
    assert state["status"] == "failed"
    lot = Lot.objects.select_related("project").get(pk=r.lot_id)
    assert lot.status == Lot.Status.FAILED
    assert lot.project.status == Project.Status.FAILED
    notice = Notice.objects.get(lot=lot, kind=Notice.Kind.FAILURE)
    assert ground in notice.body
    assert verify_ledger().ok


# --- government procurement: ranking and failure ---------------------------------------


def _gp_room(
    world: World,
    manual_clock: clock.ManualClock,
    tmp_path: Path,
    verified_client: Any,
    prices: list[str],
) -> Room:
    made = room(
        world,
        manual_clock,
        tmp_path,
        verified_client,
        procedure="gp_open",
        item="GP-GOODS-MEDICAL",
        method=GP_METHOD,
        sheet=GP_SHEET,
        prices=prices,
        draw_procedure="gp_tender",
    )
    seat_committee(made)
    return made


def test_gp_tender_with_fewer_than_three_valid_bids_must_fail(
    world: World, manual_clock: clock.ManualClock, tmp_path: Path, verified_client: Any
) -> None:
    r = _gp_room(
        world, manual_clock, tmp_path, verified_client, ["1000000.00", "1100000.00", "1200000.00"]
    )
    chair = r.people[0]
    ok(_reject(chair, r, r.bids[2]), 201)
    for person in r.people:
        fill(r, person, {"T1": "40", "B1": "15"})
    # The committee does not ask: a procurement tender below three fails (GP Law Art 36).
    state = ok(post(chair, url(r, "/conclude")))
    assert state["result"]["failed"] and state["result"]["valid"] == 2
    assert state["result"]["candidates"] == []
    ok(post(chair, url(r, "/report")))
    assert sign_all(r)["status"] == "failed"
    assert Lot.objects.get(pk=r.lot_id).status == Lot.Status.FAILED
    assert Notice.objects.filter(lot_id=r.lot_id, kind=Notice.Kind.FAILURE).count() == 1


def test_ranking_ties_at_most_three_candidates(
    world: World, manual_clock: clock.ManualClock, tmp_path: Path, verified_client: Any
) -> None:
    prices = ["1000000.00", "1200000.00", "1200000.00", "1500000.00", "1200000.00"]
    r = _gp_room(world, manual_clock, tmp_path, verified_client, prices)
    a, b, c, d, e = r.bids
    # Price points 30 × lowest / price: a 30, b c e 25, d 20.
    scores = {
        a: {"T1": "40", "B1": "10"},  # 40 + 10 + 30 = 80
        b: {"T1": "45", "B1": "10"},  # 45 + 10 + 25 = 80
        c: {"T1": "35", "B1": "20"},  # 35 + 20 + 25 = 80
        d: {"T1": "50", "B1": "20"},  # 50 + 20 + 20 = 90
        e: {"T1": "35", "B1": "20"},  # as c
    }
    for person in r.people:
        fill_each(r, person, scores)
    state = ok(post(r.people[0], url(r, "/conclude")))
    result = state["result"]
    rows = result["rows"]
    assert result["benchmark"] == "1000000.00"
    assert [(row["bid"], row["total"], row["price_score"]) for row in rows[:3]] == [
        (d, "90.00", "20.00"),
        (a, "80.00", "30.00"),
        (b, "80.00", "25.00"),
    ]
    # Equal totals: the lower price first; equal prices too: the higher technical score;
    # equal in everything: lots drawn from the opening record's seed.
    assert [row["decided_by"] for row in rows] == ["score", "score", "price", "technical", "lot"]
    assert {rows[3]["bid"], rows[4]["bid"]} == {c, e}
    assert result["candidates"] == [d, a, b]
    for row in rows:
        parts = Decimal(row["technical"]) + Decimal(row["commercial"])
        assert Decimal(row["total"]) == parts + Decimal(row["price_score"])


# --- a property of the result ----------------------------------------------------------


def test_result_properties(works: Room) -> None:
    """For any scores within range: each committee item score lies between the members'
    lowest and highest, totals add up, ranks are a permutation in order, at most three
    candidates, the best first."""
    evaluation = Evaluation.objects.get(pk=works.evaluation_id)
    members = list(Member.objects.filter(evaluation=evaluation))
    bids = evaluated_bids(evaluation)
    maxima = {"T1": 3000, "B1": 1000}
    cents = {
        item: st.integers(0, top).map(lambda n: Decimal(n) / 100) for item, top in maxima.items()
    }

    @settings(max_examples=40, deadline=None)
    @given(st.data())
    def check(data: st.DataObject) -> None:
        given_scores: dict[tuple[int, str], list[Decimal]] = {}
        with transaction.atomic():
            rows = []
            for member in members:
                for bid in bids:
                    for item, strategy in cents.items():
                        value = data.draw(strategy)
                        given_scores.setdefault((bid.pk, item), []).append(value)
                        rows.append(Score(member=member, bid=bid, item=item, value=value))
            Score.objects.bulk_create(rows)
            result = compute(evaluation, bids)
            transaction.set_rollback(True)
        table = result["rows"]
        assert [row["rank"] for row in table] == list(range(1, len(bids) + 1))
        assert sorted(row["bid"] for row in table) == sorted(b.pk for b in bids)
        assert result["candidates"] == [row["bid"] for row in table[:3]]
        for row in table:
            for item in maxima:
                values = given_scores[(row["bid"], item)]
                assert min(values) <= Decimal(row["items"][item]) <= max(values)
            total = Decimal(row["total"])
            parts = Decimal(row["technical"]) + Decimal(row["commercial"])
            assert total == parts + Decimal(row["price_score"])
            assert 0 <= Decimal(row["price_score"]) <= 60
        for above, below in itertools.pairwise(table):
            assert Decimal(above["total"]) >= Decimal(below["total"])
            if above["total"] == below["total"]:
                assert Decimal(above["price"]) <= Decimal(below["price"])

    check()
    assert not Score.objects.exists()
