"""Tendering's to-dos: notices to publish and objections to answer for the initiator and the
agent, bid deadlines and the decryption window for bidders, openings today for the centre
and the supervisors — and nothing for those who may not see the trade."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from ggzy.accounts.models import Role
from ggzy.core.scheduler import run_due
from ggzy.deposits import services as deposits
from ggzy.kernel import clock, rules
from ggzy.tendering import services
from ggzy.tendering.models import Document, Objection, Project
from ggzy.tendering.selectors import todos

from ..fixtures.tendering import World
from ..fixtures.todos import kinds, only, outsider, supervisor_of
from .flow import WORKS_SHEET, ok, publish, register, release, seal, upload

pytestmark = pytest.mark.django_db


def _published(world: World) -> tuple[dict[str, Any], int]:
    project = ok(register(world), 201)["project"]
    ok(publish(world, project["id"]), 201)
    return project, project["lots"][0]["id"]


def test_the_initiator_and_agent_publish_registered_projects(world: World) -> None:
    project = ok(register(world), 201)["project"]
    for party in (world.agent, world.initiator):
        item = only(todos(party.user), "tendering.publish_notice")
        assert (item.code, item.deadline) == (project["code"], None)
        assert item.link == f"/tendering/projects/{project['id']}/"
    assert todos(world.bidders[0].user) == []
    assert todos(world.centre_staff) == []
    ok(publish(world, project["id"]), 201)
    assert todos(world.agent.user) == []


def test_bidders_see_the_deadline_of_the_lots_they_take_part_in(
    world: World, tmp_path: Path
) -> None:
    project, lot_id = _published(world)
    deadline = Project.objects.get(pk=project["id"]).bid_deadline
    downloader, bidder, payer, stranger = world.bidders[:4]
    document = Document.objects.get(project_id=project["id"])
    services.record_download(user=downloader.user, document_id=document.pk)
    upload(bidder, lot_id, seal(bidder, lot_id, tmp_path, WORKS_SHEET))
    assert payer.entity is not None
    deposits.record_transfer(
        user=world.centre_staff,
        lot_id=lot_id,
        entity_id=payer.entity.pk,
        amount="90000.00",
        payer_bank=payer.entity.bank_name,
        payer_account=payer.entity.bank_account,
        paid_at=clock.now(),
        bank_reference="TASK-REF-1",
    )
    for party, kind in ((downloader, "tendering.bid_due"), (payer, "tendering.bid_due")):
        item = only(todos(party.user), kind)
        assert item.deadline == deadline and not item.overdue
        assert item.link == f"/tendering/lots/{lot_id}/bid/"
    assert kinds(todos(bidder.user)) == ["tendering.bid_replaceable"]
    assert todos(stranger.user) == []


def test_openings_today_and_the_decryption_window(
    world: World, manual_clock: clock.ManualClock, tmp_path: Path
) -> None:
    project, lot_id = _published(world)
    receipts = [
        upload(p, lot_id, seal(p, lot_id, tmp_path, WORKS_SHEET)) for p in world.bidders[:3]
    ]
    deadline = Project.objects.get(pk=project["id"]).bid_deadline
    assert deadline is not None
    day = datetime.combine(deadline.astimezone(clock.SHANGHAI).date(), time(), clock.SHANGHAI)
    manual_clock.set(max(day, deadline - timedelta(hours=1)))
    hall = f"/tendering/lots/{lot_id}/hall/"
    for watcher in (world.centre_staff, world.supervisor):
        item = only(todos(watcher), "tendering.opening_today")
        assert (item.link, item.deadline) == (hall, deadline)
    assert "主持" in only(todos(world.centre_staff), "tendering.opening_today").title_zh
    assert todos(supervisor_of(world.finance)) == []
    assert todos(outsider(Role.CENTRE)) == []

    manual_clock.set(deadline)
    run_due()
    centre_item = only(todos(world.centre_staff), "tendering.opening_running")
    assert centre_item.link == hall
    for party in world.bidders[:3]:
        item = only(todos(party.user), "tendering.decrypt")
        assert item.link == hall and item.deadline == centre_item.deadline
    assert todos(world.bidders[3].user) == []
    ok(release(world.bidders[0], receipts[0]["bid_id"]))
    assert todos(world.bidders[0].user) == []


def test_an_objection_to_the_documents_waits_for_the_managers(world: World) -> None:
    project, _ = _published(world)
    objector = world.bidders[0]
    document = Document.objects.get(project_id=project["id"])
    services.record_download(user=objector.user, document_id=document.pk)
    services.raise_objection(user=objector.user, project_id=project["id"], text="评分标准含糊")
    objection = Objection.objects.get(project_id=project["id"])
    for party in (world.agent, world.initiator):
        item = only(todos(party.user), "tendering.answer_objection")
        assert item.deadline == objection.answer_due
        assert item.rule == "works.objection_answer_max_days"
        assert item.citation_zh == rules.get("works.objection_answer_max_days").citation_zh
    assert "tendering.answer_objection" not in kinds(todos(objector.user))
    services.answer_objection(user=world.agent.user, objection_id=objection.pk, answer="已澄清")
    assert "tendering.answer_objection" not in kinds(todos(world.initiator.user))
