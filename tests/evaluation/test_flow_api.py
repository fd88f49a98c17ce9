"""A works evaluation end to end through the HTTP API: committee, sheets, flags decided,
result, report signed by every member."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ggzy.core.selectors import verify_ledger
from ggzy.evaluation.models import Evaluation
from ggzy.kernel import clock
from ggzy.tendering.models import Lot

from ..fixtures.tendering import World
from ..tendering.flow import ok
from .flow import chair_of, fill, post, room, seat_committee, sign_all, url

SCORES = {"T1": "25", "B1": "8"}


@pytest.fixture
def started(world: World, manual_clock: clock.ManualClock, tmp_path: Path, verified_client: Any):
    return room(world, manual_clock, tmp_path, verified_client, same_machine=(1, 2))


def test_works_evaluation_end_to_end(started: Any) -> None:
    r = started
    state = ok(r.staff.get(url(r)))
    assert state["status"] == "forming" and len(state["members"]) == 5
    kinds = sorted((f["bid"], f["kind"]) for f in state["flags"])
    assert kinds == sorted(
        [
            (r.bids[4], "above_ceiling"),
            (r.bids[1], "same_fingerprint"),
            (r.bids[2], "same_fingerprint"),
        ]
    )
    assert state["k"] in {"0.950", "0.960", "0.970", "0.980"}
    assert seat_committee(r)["status"] == "reviewing"
    chair = chair_of(r)
    flags = {(f["bid"], f["kind"]): f["id"] for f in state["flags"]}
    ok(
        post(
            chair,
            f"/api/v1/evaluation/flags/{flags[(r.bids[4], 'above_ceiling')]}/resolve",
            {
                "votes_for": 5,
                "votes_against": 0,
                "reason": "price",
                "ground": "报价高于最高投标限价",
            },
        )
    )
    for bid in (r.bids[1], r.bids[2]):
        ok(
            post(
                chair,
                f"/api/v1/evaluation/flags/{flags[(bid, 'same_fingerprint')]}/resolve",
                {
                    "votes_for": 1,
                    "votes_against": 4,
                    "ground": "经核实为同一代理打印店制作，不构成串通",
                },
            )
        )
    # A member sees only their own sheet until they submit.
    first = r.people[0]
    mine = fill(r, first, SCORES)
    assert "others" in mine["sheets"] and mine["sheets"]["others"] == {}
    second = ok(r.people[1].client.get(url(r)))
    assert "others" not in second["sheets"]
    for person in r.people[1:-1]:
        fill(r, person, SCORES)
    state = fill(r, r.people[-1], {"T1": "5", "B1": "8"})
    assert len(state["sheets"]["others"]) == 4
    assert {(d["item"], d["name"]) for d in state["divergences"]} == {("T1", r.people[-1].name)}
    state = ok(post(chair, url(r, "/conclude"), {}))
    result = state["result"]
    assert state["status"] == "concluded" and result["valid"] == 4
    assert len(result["candidates"]) == 3
    assert [row["rank"] for row in result["rows"]] == [1, 2, 3, 4]
    assert result["rejected"][0]["bid"] == r.bids[4]
    ok(post(r.people[2], url(r, "/dissent"), {"text": "对第二名的技术分有保留意见"}))
    state = ok(post(chair, url(r, "/report")))
    assert state["status"] == "reported" and state["report_digest"]
    pdf = r.staff.get(url(r, "/report.pdf"))
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    state = sign_all(r)
    assert state["status"] == "complete"
    assert Lot.objects.get(pk=r.lot_id).status == Lot.Status.EVALUATED
    assert Evaluation.objects.get(pk=r.evaluation_id).completed_at is not None
    assert verify_ledger().ok
