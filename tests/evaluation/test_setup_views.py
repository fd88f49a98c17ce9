"""The pages before the room: the method in the documents, forming the committee."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ggzy.evaluation.models import Evaluation
from ggzy.evaluation.setup_views import EXAMPLES
from ggzy.kernel import clock
from ggzy.tendering.models import Lot

from ..fixtures.evaluation import draw_request, opened_lot
from ..fixtures.tendering import World
from ..tendering.flow import WORKS_SHEET, ok, register
from .flow import PRICES


def test_the_agent_writes_the_method_into_the_documents(world: World) -> None:
    project = ok(register(world), 201)["project"]
    lot_id = project["lots"][0]["id"]
    page = f"/evaluation/lots/{lot_id}/method/"
    agent = world.agent.client
    assert "average_k" in agent.get(page).content.decode()  # the works example to edit
    bad_json = agent.post(page, {"method": "{"})
    assert bad_json.status_code == 400 and "不是有效的 JSON" in bad_json.content.decode()
    too_many = EXAMPLES["works"] | {"price_points": "70"}
    refused = agent.post(page, {"method": json.dumps(too_many)})
    assert refused.status_code == 400 and "100" in refused.content.decode()
    assert Lot.objects.get(pk=lot_id).evaluation_method is None
    done = agent.post(page, {"method": json.dumps(EXAMPLES["works"])})
    assert done.status_code == 302
    assert Lot.objects.get(pk=lot_id).evaluation_method["price_formula"] == "average_k"
    # a bidder cannot even see a project that has not been announced yet
    assert world.bidders[0].client.post(page, {"method": "{}"}).status_code == 404


def test_the_centre_forms_the_committee_from_the_draw(
    world: World, manual_clock: clock.ManualClock, tmp_path: Path, verified_client: Any
) -> None:
    project, _ = opened_lot(world, manual_clock, tmp_path, sheet=WORKS_SHEET, prices=PRICES)
    room = draw_request(world, project, project["lots"][0]["name"])
    page = f"/evaluation/lots/{room.lot_id}/start/"
    staff = verified_client(world.centre_staff)
    html = staff.get(page).content.decode()
    assert f"#{room.request.pk}" in html
    short = staff.post(page, {"draw_request": room.request.pk})
    assert short.status_code == 400 and "招标人代表 1 人" in short.content.decode()
    representative = room.representatives[0].user.pk
    done = staff.post(page, {"draw_request": room.request.pk, "representatives": [representative]})
    evaluation = Evaluation.objects.get(lot_id=room.lot_id)
    assert done.status_code == 302 and done["Location"] == f"/evaluation/{evaluation.pk}/"
    assert evaluation.members.count() == 5
    stranger = world.bidders[0].client.post(
        page, {"draw_request": room.request.pk, "representatives": [representative]}
    )
    assert stranger.status_code == 400
