"""From the signed report to the contract, through the HTTP API: works (publicity,
objection, award, sealed notices, contract, performance) and procurement (award, challenge,
contract)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from ggzy.awards.models import Award, Letter
from ggzy.core import seal
from ggzy.core.selectors import verify_ledger
from ggzy.deposits.models import Deposit, Status
from ggzy.kernel import clock
from ggzy.tendering.models import Document, Lot, Notice

from ..fixtures.tendering import World
from ..tendering.flow import ok
from .flow import AWARDS, candidates, evaluated


def _post(client: Any, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, body, content_type="application/json")


def _error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content.decode()[:1000]
    return response.json()


def test_works_award_and_contract(
    world: World, manual_clock: clock.ManualClock, tmp_path: Path, verified_client: Any
) -> None:
    r = evaluated(world, manual_clock, tmp_path, verified_client)
    lot, agent, initiator = r.lot_id, world.agent.client, world.initiator.client
    first, second, *_ = candidates(r)
    too_short = (clock.now() + timedelta(days=2)).isoformat()
    body = _error(_post(agent, f"{AWARDS}/lots/{lot}/publicity", {"ends_at": too_short}), 422)
    assert body["rule"] == "works.candidate_publicity_min_days"
    assert Lot.objects.get(pk=lot).status == Lot.Status.EVALUATED  # nothing half-saved
    ends = (clock.now() + timedelta(days=3)).isoformat()
    state = ok(_post(agent, f"{AWARDS}/lots/{lot}/publicity", {"ends_at": ends}), 201)
    assert state["publicity"]["shows_scores"] is True
    assert Notice.objects.filter(lot_id=lot, kind=Notice.Kind.CANDIDATES).count() == 1
    loser = world.bidders[3]
    state = ok(
        _post(loser.client, f"{AWARDS}/lots/{lot}/objections", {"text": "第一名业绩造假"}), 201
    )
    objection = state["objections"][0]["id"]
    award = {"bid": first}
    assert _error(_post(initiator, f"{AWARDS}/lots/{lot}/award", award), 422)["code"] == (
        "publicity_running"
    )
    manual_clock.advance(timedelta(days=3, minutes=1))
    assert _error(_post(initiator, f"{AWARDS}/lots/{lot}/award", award), 422)["code"] == (
        "procedure_suspended"
    )
    ok(_post(agent, f"{AWARDS}/objections/{objection}/answer", {"answer": "经核查业绩属实"}))
    assert _error(_post(agent, f"{AWARDS}/lots/{lot}/award", award), 403)["code"] == "not_initiator"
    assert (
        _error(_post(initiator, f"{AWARDS}/lots/{lot}/award", {"bid": r.bids[4]}), 422)["code"]
        == "not_a_candidate"
    )
    assert (
        _error(_post(initiator, f"{AWARDS}/lots/{lot}/award", {"bid": second}), 422)["code"]
        == "must_award_first"
    )
    state = ok(_post(initiator, f"{AWARDS}/lots/{lot}/award", award), 201)
    assert state["award"]["bid"] == first and state["award"]["rank"] == 1
    letters = Letter.objects.filter(award__lot_id=lot)
    assert letters.filter(kind=Letter.Kind.AWARD).count() == 1
    assert letters.filter(kind=Letter.Kind.RESULT).count() == 4  # every other opened bid
    result = Notice.objects.get(lot_id=lot, kind=Notice.Kind.RESULT).publication
    assert not result.attachments.exists()  # works documents stay with the bidders
    winner_letter = letters.get(kind=Letter.Kind.AWARD)
    pdf = b"".join(
        world.bidders[r.bids.index(first)]
        .client.get(f"{AWARDS}/letters/{winner_letter.pk}.pdf")
        .streaming_content
    )
    check = seal.verify_pdf(pdf)
    assert check.intact and check.valid and check.trusted and check.covers_document
    assert loser.client.get(f"{AWARDS}/letters/{winner_letter.pk}.pdf").status_code == 404
    amount = state["award"]["amount"]
    today = clock.now().astimezone(clock.SHANGHAI).date().isoformat()
    contract = {
        "number": "HT-2026-001",
        "amount": "1.00",
        "signed_on": today,
        "duration": "365日历天",
    }
    body = _error(_post(agent, f"{AWARDS}/lots/{lot}/contract", contract), 422)
    assert body["code"] == "amount_differs" and body["rule"] == "works.contract_max_days"
    state = ok(_post(agent, f"{AWARDS}/lots/{lot}/contract", contract | {"amount": amount}), 201)
    assert state["contract"]["amount"] == amount
    assert Lot.objects.get(pk=lot).status == Lot.Status.CONTRACTED
    due = Deposit.objects.filter(lot_id=lot, status=Status.REFUND_DUE)
    assert due.count() == 5 and {d.refund_reason for d in due} == {"after_contract"}
    state = ok(
        _post(
            agent,
            f"{AWARDS}/lots/{lot}/performance",
            {"reported_on": today, "progress": "主体结构完成30%", "paid": "1000000.00"},
        ),
        201,
    )
    assert state["contract"]["performance"][0]["paid"] == "1000000.00"
    kinds = set(Notice.objects.filter(lot_id=lot).values_list("kind", flat=True))
    assert {"opening_record", "candidates", "result", "contract", "performance"} <= kinds
    trade = Lot.objects.select_related("project").get(pk=lot).project
    page = Client().get(f"/trades/{trade.code}/").content.decode()  # the public, no login
    winner = Award.objects.get(lot_id=lot).bid.entity.name
    assert page.count('class="bid"') == 5 and page.count('class="award"') == 1
    assert winner in page and amount in page and "1000000.00" in page  # contract and paid
    assert "已完成" in page and "/api/v1/ocds/records/" in page
    assert verify_ledger().ok


def test_gp_award_challenge_and_contract(
    world: World, manual_clock: clock.ManualClock, tmp_path: Path, verified_client: Any
) -> None:
    r = evaluated(world, manual_clock, tmp_path, verified_client, gp=True)
    lot, agent, initiator = r.lot_id, world.agent.client, world.initiator.client
    ends = (clock.now() + timedelta(days=3)).isoformat()
    assert (
        _error(_post(agent, f"{AWARDS}/lots/{lot}/publicity", {"ends_at": ends}), 409)["code"]
        == "no_publicity_in_gp"
    )
    first = candidates(r)[0]
    state = ok(_post(initiator, f"{AWARDS}/lots/{lot}/award", {"bid": first}), 201)
    result = Notice.objects.get(lot_id=lot, kind=Notice.Kind.RESULT).publication
    documents = Document.objects.get(project__lots=lot)  # published with it: GP Reg. Art 43
    (attached,) = result.attachments.all()
    assert attached.name == "第1版-招标文件.pdf" and attached.sha256 == documents.digest
    lost = Deposit.objects.filter(lot_id=lot, status=Status.REFUND_DUE)
    assert lost.count() == 3 and {d.refund_reason for d in lost} == {"lost"}
    loser = next(b for n, b in enumerate(world.bidders[:4]) if r.bids[n] != first)
    ok(_post(loser.client, f"{AWARDS}/lots/{lot}/challenges", {"text": "评审因素设置不合理"}), 201)
    today = clock.now().astimezone(clock.SHANGHAI).date().isoformat()
    contract = {
        "number": "CG-2026-9",
        "amount": state["award"]["amount"],
        "signed_on": today,
        "duration": "30日",
    }
    body = _error(_post(agent, f"{AWARDS}/lots/{lot}/contract", contract), 422)
    assert body["code"] == "challenge_open" and body["rule"] == "gp.challenge_pauses_contract"
    challenge = ok(agent.get(f"{AWARDS}/lots/{lot}"))["challenges"][0]["id"]
    ok(_post(agent, f"{AWARDS}/challenges/{challenge}/answer", {"answer": "评审因素符合规定"}))
    ok(_post(agent, f"{AWARDS}/lots/{lot}/contract", contract), 201)
    assert Notice.objects.filter(lot_id=lot, kind=Notice.Kind.CONTRACT).count() == 1
    assert verify_ledger().ok


@pytest.mark.usefixtures("world")
def test_warnings_need_staff(client: Any) -> None:
    assert client.get(f"{AWARDS}/warnings").status_code == 401
