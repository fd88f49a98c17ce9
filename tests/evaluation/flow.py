"""Steps of an evaluation through the HTTP API, shared by the evaluation tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ggzy.evaluation.models import Member
from ggzy.kernel import clock

from ..fixtures.evaluation import EVAL_API, Person, Room, draw_request, opened_lot, signature
from ..fixtures.tendering import World
from ..tendering.flow import WORKS_SHEET, ok

PRICES = ["8400000.00", "8500000.00", "8600000.00", "8700000.00", "9100000.00"]


def room(
    world: World,
    manual_clock: clock.ManualClock,
    tmp_path: Path,
    verified_client: Any,
    **lot: Any,
) -> Room:
    """An opened lot with five decrypted bids and a completed draw; the evaluation started."""
    lot.setdefault("sheet", WORKS_SHEET)
    lot.setdefault("prices", PRICES)
    draw_code = lot.pop("draw_procedure", "works_tender")
    project, bids = opened_lot(world, manual_clock, tmp_path, **lot)
    result = draw_request(world, project, project["lots"][0]["name"], procedure=draw_code)
    result.bids = bids
    result.staff = verified_client(world.centre_staff)
    state = ok(
        result.staff.post(
            f"{EVAL_API}/lots/{result.lot_id}/start",
            {
                "draw_request": result.request.pk,
                "representatives": [p.user.pk for p in result.representatives],
            },
            content_type="application/json",
        ),
        201,
    )
    result.evaluation_id = state["id"]
    result.members = {m.user_id: m.pk for m in Member.objects.filter(evaluation_id=state["id"])}
    return result


def url(room: Room, tail: str = "") -> str:
    return f"{EVAL_API}/{room.evaluation_id}{tail}"


def post(person: Person | Any, path: str, body: dict[str, Any] | None = None) -> Any:
    client = person.client if isinstance(person, Person) else person
    return client.post(path, body or {}, content_type="application/json")


def seat_committee(room: Room, chair: int = 0) -> dict[str, Any]:
    """Everyone signs in; the staff record the chair the committee chose."""
    for person in room.people:
        ok(post(person, url(room, "/sign-in")))
    chair_user = room.people[chair].user.pk
    return ok(post(room.staff, url(room, "/chair"), {"member": room.members[chair_user]}))


def fill(room: Room, person: Person, scores: dict[str, str], bids: list[int] | None = None) -> Any:
    """The member passes every check and gives ``scores`` to every bid, then submits."""
    state = ok(person.client.get(url(room)))
    checks = {c["id"]: {"passed": True} for c in state["method"]["checks"]}
    for bid in bids if bids is not None else [b["id"] for b in state["bids"] if not b["rejected"]]:
        ok(
            person.client.put(
                url(room, f"/bids/{bid}/sheet"),
                {"checks": checks, "scores": scores},
                content_type="application/json",
            )
        )
    return ok(post(person, url(room, "/submit")))


def chair_of(room: Room, index: int = 0) -> Person:
    return room.people[index]


def sign_all(room: Room) -> Any:
    state = None
    for person in room.people:
        statement = ok(person.client.get(url(room, "/report/statement")))["statement"]
        state = ok(
            post(
                person, url(room, "/report/signatures"), {"signature": signature(person, statement)}
            )
        )
    return state


def refused(
    response: Any, status: int, code: str, *, field: str | None = None, cites: str = ""
) -> dict[str, Any]:
    """A refusal: the status, the error code, the field, and the citation in the message."""
    assert response.status_code == status, response.content.decode()[:2000]
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    if field is not None:
        assert body["field"] == field, body
    assert cites in body["message_zh"], body
    return body


def save_sheet(
    room: Room,
    person: Person,
    bid: int,
    *,
    checks: dict[str, Any] | None = None,
    scores: dict[str, Any] | None = None,
) -> Any:
    return person.client.put(
        url(room, f"/bids/{bid}/sheet"),
        {"checks": checks or {}, "scores": scores or {}},
        content_type="application/json",
    )


def fill_each(
    room: Room,
    person: Person,
    scores: dict[int, dict[str, str]],
    failed: dict[int, dict[str, str]] | None = None,
) -> Any:
    """Like ``fill`` with scores per bid; ``failed`` {bid: {check: reason}} fails checks."""
    state = ok(person.client.get(url(room)))
    for bid, bid_scores in scores.items():
        checks: dict[str, Any] = {c["id"]: {"passed": True} for c in state["method"]["checks"]}
        for item, reason in (failed or {}).get(bid, {}).items():
            checks[item] = {"passed": False, "reason": reason}
        ok(save_sheet(room, person, bid, checks=checks, scores=bid_scores))
    return ok(post(person, url(room, "/submit")))


def resolve(
    person: Person | Any, flag: int, votes: tuple[int, int], ground: str, **extra: Any
) -> Any:
    body = {"votes_for": votes[0], "votes_against": votes[1], "ground": ground, **extra}
    return post(person, f"{EVAL_API}/flags/{flag}/resolve", body)


def flags_of(state: dict[str, Any]) -> dict[tuple[int, str], int]:
    """The flags of an evaluation state, {(bid, kind): flag id}."""
    return {(f["bid"], f["kind"]): f["id"] for f in state["flags"]}
