"""An evaluation taken to its signed report through the API, for the award tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ggzy.kernel import clock

from ..evaluation.flow import chair_of, fill, post, room, seat_committee, sign_all, url
from ..fixtures.evaluation import GP_METHOD, Room
from ..fixtures.tendering import World
from ..tendering.flow import GP_SHEET, ok

AWARDS = "/api/v1/awards"
GP_PRICES = ["1700000.00", "1750000.00", "1800000.00", "1850000.00"]


def evaluated(
    world: World,
    manual_clock: clock.ManualClock,
    tmp_path: Path,
    verified_client: Any,
    *,
    gp: bool = False,
) -> Room:
    """A lot whose evaluation is complete: report signed by all five members."""
    lot: dict[str, Any] = {}
    if gp:
        lot = {
            "procedure": "gp_open",
            "item": "GP-GOODS-MEDICAL",
            "method": GP_METHOD,
            "sheet": GP_SHEET,
            "prices": GP_PRICES,
            "draw_procedure": "gp_tender",
        }
    r = room(world, manual_clock, tmp_path, verified_client, **lot)
    seat_committee(r)
    state = ok(r.staff.get(url(r)))
    chair = chair_of(r)
    for flag in state["flags"]:
        ok(
            post(
                chair,
                f"/api/v1/evaluation/flags/{flag['id']}/resolve",
                {"votes_for": 5, "votes_against": 0, "reason": "price", "ground": "高于限价"},
            )
        )
    for n, person in enumerate(r.people):
        fill(r, person, {"T1": str(20 + n), "B1": "8"})
    ok(post(chair, url(r, "/conclude")))
    ok(post(chair, url(r, "/report")))
    assert sign_all(r)["status"] == "complete"
    return r


def candidates(r: Room) -> list[int]:
    return ok(r.staff.get(url(r)))["result"]["candidates"]
