"""Evaluation's to-dos: the centre forms the committee once a lot is opened; each member signs
in, submits the sheet and signs the report — nobody else sees them."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from ggzy.accounts.models import Role
from ggzy.evaluation.selectors import ASSEMBLY_RULE, todos
from ggzy.kernel import clock, rules
from ggzy.tendering.models import Project

from ..fixtures.evaluation import opened_lot, signature
from ..fixtures.tendering import World
from ..fixtures.todos import kinds, only, outsider
from ..tendering.flow import WORKS_SHEET, ok
from .flow import PRICES, fill, post, room, seat_committee, url

pytestmark = pytest.mark.django_db
SCORES = {"T1": "25", "B1": "8"}


def test_the_centre_forms_the_committee_of_an_opened_lot(
    world: World, manual_clock: clock.ManualClock, tmp_path: Path
) -> None:
    project, _ = opened_lot(world, manual_clock, tmp_path, sheet=WORKS_SHEET, prices=PRICES[:3])
    lot_id = project["lots"][0]["id"]
    opening = Project.objects.get(pk=project["id"]).bid_deadline
    assert opening is not None
    item = only(todos(world.centre_staff), "evaluation.start")
    assert item.link == f"/evaluation/lots/{lot_id}/start/"
    assert item.deadline == opening + timedelta(hours=rules.int_value(ASSEMBLY_RULE))
    assert item.rule == ASSEMBLY_RULE
    assert todos(outsider(Role.CENTRE)) == []
    assert todos(world.supervisor) == []
    assert todos(world.agent.user) == []


def test_members_sign_in_submit_and_sign_the_report(
    world: World, manual_clock: clock.ManualClock, tmp_path: Path, verified_client: Any
) -> None:
    r = room(world, manual_clock, tmp_path, verified_client, prices=PRICES[:3])
    assert "evaluation.start" not in kinds(todos(world.centre_staff))
    for person in r.people:
        item = only(todos(person.user), "evaluation.sign_in")
        assert item.link == f"/evaluation/{r.evaluation_id}/" and item.rule == ASSEMBLY_RULE
    assert todos(world.agent.user) == []  # the agent sits on no committee
    seat_committee(r)
    assert {k for p in r.people for k in kinds(todos(p.user))} == {"evaluation.submit"}
    done, *others = r.people
    fill(r, done, SCORES)
    assert todos(done.user) == []
    for person in others:
        fill(r, person, SCORES)
    ok(post(r.people[0], url(r, "/conclude")))
    ok(post(r.people[0], url(r, "/report")))
    for person in r.people:
        assert kinds(todos(person.user)) == ["evaluation.sign_report"]
    statement = ok(done.client.get(url(r, "/report/statement")))["statement"]
    ok(post(done, url(r, "/report/signatures"), {"signature": signature(done, statement)}))
    assert todos(done.user) == []
    assert kinds(todos(others[0].user)) == ["evaluation.sign_report"]
