"""The award pages: publicity, objection, award, letters, contract, warnings."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from ggzy.awards.models import Award, Letter
from ggzy.kernel import clock
from ggzy.tendering.models import Lot

from ..fixtures.tendering import World
from .flow import candidates, evaluated


@pytest.fixture
def done(world: World, manual_clock: clock.ManualClock, tmp_path: Path, verified_client: Any):
    return evaluated(world, manual_clock, tmp_path, verified_client)


def _local(moment: Any) -> str:
    return moment.astimezone(clock.SHANGHAI).strftime("%Y-%m-%dT%H:%M")


def test_publicity_objection_award_and_contract_pages(
    done: Any, world: World, manual_clock: clock.ManualClock, verified_client: Any
) -> None:
    r = done
    page = f"/awards/lots/{r.lot_id}/"
    agent, initiator = world.agent.client, world.initiator.client
    assert "发布公示" in agent.get(page).content.decode()
    short = agent.post(f"{page}publicity/", {"ends_at": _local(clock.now() + timedelta(days=1))})
    assert short.status_code == 400 and "不得少于 3 日" in short.content.decode()
    assert Lot.objects.get(pk=r.lot_id).status == Lot.Status.EVALUATED
    ok = agent.post(
        f"{page}publicity/", {"ends_at": _local(clock.now() + timedelta(days=3, hours=1))}
    )
    assert ok.status_code == 302
    bidder = world.bidders[2]
    bidder.client.post(f"{page}objection/", {"objection-text": "评分有误"})
    objection = Lot.objects.get(pk=r.lot_id).objections.get()
    agent.post(f"/awards/objections/{objection.pk}/answer/", {"answer": "经复核无误"})
    manual_clock.advance(timedelta(days=3, hours=2))
    first = candidates(r)[0]
    html = initiator.get(page).content.decode()
    assert 'id="award-form"' in html and "第1名" in html
    assert "award-form" not in agent.get(page).content.decode()  # the agent does not decide
    response = initiator.post(f"{page}award/", {"bid": first, "ground": "", "reason": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    award = Award.objects.get(lot_id=r.lot_id)
    letter = Letter.objects.get(award=award, kind=Letter.Kind.AWARD)
    winner = world.bidders[r.bids.index(first)]
    pdf = winner.client.get(f"/awards/letters/{letter.pk}.pdf")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert bidder.client.get(f"/awards/letters/{letter.pk}.pdf").status_code == 404
    today = clock.now().astimezone(clock.SHANGHAI).date().isoformat()
    bad = agent.post(
        f"{page}contract/",
        {"number": "HT-1", "amount": "1.00", "signed_on": today, "duration": "一年"},
    )
    assert bad.status_code == 400 and "须写明理由" in bad.content.decode()
    assert 'value="HT-1"' in bad.content.decode()  # the input is kept
    manual_clock.advance(timedelta(days=31))
    supervisor = verified_client(world.supervisor)
    warnings = supervisor.get("/awards/warnings/").content.decode()
    assert "未在中标/成交通知书发出后30日内签订合同" in warnings
