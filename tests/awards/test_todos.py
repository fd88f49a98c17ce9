"""Awards' to-dos: the initiator and agent publish candidates, answer objections and
challenges, award and sign the contract, each by its statutory day; bidders download their
notices; supervisors see the overdue steps of the lots they supervise — nobody else."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from ggzy.awards.models import Award, Letter
from ggzy.awards.selectors import todos
from ggzy.evaluation.models import Evaluation
from ggzy.kernel import clock, rules
from ggzy.workcalendar.periods import last_day, local_day

from ..fixtures.tendering import World
from ..fixtures.todos import kinds, only, supervisor_of
from ..tendering.flow import ok
from .flow import AWARDS, candidates, evaluated

pytestmark = pytest.mark.django_db


def _post(client: Any, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, body, content_type="application/json")


def test_works_from_the_report_to_the_contract(
    world: World, manual_clock: clock.ManualClock, tmp_path: Path, verified_client: Any
) -> None:
    r = evaluated(world, manual_clock, tmp_path, verified_client)
    lot, link = r.lot_id, f"/awards/lots/{r.lot_id}/"
    completed = Evaluation.objects.get(lot_id=lot).completed_at
    assert completed is not None
    publish_by = local_day(completed) + timedelta(days=3)
    for party in (world.agent, world.initiator):
        item = only(todos(party.user), "awards.publicity")
        assert (item.link, item.deadline, item.rule) == (
            link,
            publish_by,
            "works.candidate_publicity_start_max_days",
        )
    assert todos(world.bidders[0].user) == []
    assert todos(world.supervisor) == []  # nothing late yet

    manual_clock.advance(timedelta(days=4))
    warning = only(todos(world.supervisor), "awards.warning.publicity_late")
    assert warning.overdue and warning.link == link
    assert todos(supervisor_of(world.finance)) == []  # another department's view

    ends = (clock.now() + timedelta(days=3)).isoformat()
    ok(_post(world.agent.client, f"{AWARDS}/lots/{lot}/publicity", {"ends_at": ends}), 201)
    loser = world.bidders[3]
    ok(_post(loser.client, f"{AWARDS}/lots/{lot}/objections", {"text": "第一名业绩造假"}), 201)
    objection = only(todos(world.agent.user), "awards.answer_objection")
    assert objection.rule == "works.candidate_objection_answer_max_days"
    assert objection.deadline is not None and not objection.overdue
    assert "awards.answer_objection" not in kinds(todos(loser.user))

    manual_clock.advance(timedelta(days=3, minutes=1))
    late = only(todos(world.initiator.user), "awards.answer_objection")
    assert late.overdue and "awards.decide" not in kinds(todos(world.initiator.user))
    answered = ok(world.agent.client.get(f"{AWARDS}/lots/{lot}"))["objections"][0]["id"]
    ok(_post(world.agent.client, f"{AWARDS}/objections/{answered}/answer", {"answer": "属实"}))
    assert kinds(todos(world.initiator.user)) == ["awards.decide"]
    assert todos(world.agent.user) == []  # the initiator decides, not its agent

    ok(_post(world.initiator.client, f"{AWARDS}/lots/{lot}/award", {"bid": candidates(r)[0]}), 201)
    award = Award.objects.get(lot_id=lot)
    sign_by = local_day(award.decided_at) + timedelta(days=30)
    contract = only(todos(world.agent.user), "awards.contract")
    assert (contract.deadline, contract.rule) == (sign_by, "works.contract_max_days")
    assert contract.citation_zh == rules.get("works.contract_max_days").citation_zh
    winner = next(p for p in world.bidders if p.entity and p.entity.pk == award.bid.entity_id)
    letter = Letter.objects.get(award=award, kind=Letter.Kind.AWARD)
    item = only(todos(winner.user), "awards.letter")
    assert item.link == f"/awards/letters/{letter.pk}.pdf" and item.deadline == sign_by
    assert kinds(todos(loser.user)) == ["awards.result_letter"]


def test_procurement_award_pick_and_challenge(
    world: World, manual_clock: clock.ManualClock, tmp_path: Path, verified_client: Any
) -> None:
    r = evaluated(world, manual_clock, tmp_path, verified_client, gp=True)
    lot = r.lot_id
    completed = Evaluation.objects.get(lot_id=lot).completed_at
    assert completed is not None
    pick = only(todos(world.initiator.user), "awards.pick")
    assert pick.deadline == last_day("gp.award_pick_max_working_days", completed)
    assert pick.rule == "gp.award_pick_max_working_days"
    assert todos(world.agent.user) == []  # the purchaser picks (GP Reg. Art 43)

    first = candidates(r)[0]
    ok(_post(world.initiator.client, f"{AWARDS}/lots/{lot}/award", {"bid": first}), 201)
    loser = next(b for n, b in enumerate(world.bidders[:4]) if r.bids[n] != first)
    ok(_post(loser.client, f"{AWARDS}/lots/{lot}/challenges", {"text": "评审因素设置不合理"}), 201)
    for party in (world.agent, world.initiator):
        item = only(todos(party.user), "awards.answer_challenge")
        assert item.rule == "gp.challenge_answer_max_working_days"
        assert item.deadline == last_day(item.rule, clock.now())
    assert "awards.answer_challenge" not in kinds(todos(loser.user))
    assert "awards.contract" in kinds(todos(world.agent.user))
