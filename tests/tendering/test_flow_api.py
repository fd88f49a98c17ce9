"""Both procedures end to end through the HTTP API only: entry → notice → sealed bids →
the scheduler opens at the deadline → keys released → the signed record is published."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from ggzy.core import platform_key
from ggzy.core.scheduler import run_due
from ggzy.core.selectors import verify_ledger
from ggzy.kernel import clock
from ggzy.tendering.models import Bid, Lot, Notice

from ..fixtures.tendering import World
from .flow import API, GP_SHEET, WORKS_SHEET, ok, publish, register, release, seal, upload


def _tick(manual_clock: clock.ManualClock, **delta: int) -> None:
    manual_clock.advance(timedelta(**delta))
    run_due()


def _run_tender(
    world: World,
    manual_clock: clock.ManualClock,
    tmp_path: Path,
    *,
    procedure: str,
    item: str,
    supervisor: int,
    sheet: dict[str, Any],
) -> dict[str, Any]:
    registered = ok(register(world, procedure=procedure, item=item, supervisor=supervisor), 201)
    project = registered["project"]
    assert registered["message_zh"]
    ok(publish(world, project["id"]), 201)
    lot_id = project["lots"][0]["id"]
    documents = ok(world.bidders[0].client.get(f"{API}/projects/{project['id']}/documents"))
    receipts = {}
    for n, bidder in enumerate(world.bidders):
        assert (
            bidder.client.get(f"{API}/documents/{documents[0]['id']}/download").status_code == 200
        )
        priced = sheet | {"price": f"{int(float(sheet['price'])) + n * 10000}.00"}
        receipts[n] = upload(bidder, lot_id, seal(bidder, lot_id, tmp_path, priced))
        assert platform_key.verify(
            {k: v for k, v in receipts[n].items() if k != "signature"}, receipts[n]["signature"]
        )
    # One bidder withdraws and bids again before the deadline.
    first = world.bidders[0]
    ok(first.client.post(f"{API}/bids/{receipts[0]['bid_id']}/withdraw"))
    receipts[0] = upload(first, lot_id, seal(first, lot_id, tmp_path, sheet, name="again"))
    # Nobody, not even the initiator, learns who bid before the opening.
    hall = ok(world.agent.client.get(f"{API}/lots/{lot_id}/hall"))
    assert hall["bids"] == [] and "bid_count" not in hall
    _tick(manual_clock, days=21)
    assert Lot.objects.get(pk=lot_id).status == Lot.Status.OPENING
    for n, bidder in enumerate(world.bidders[:-1]):
        ok(bidder.client.post(f"{API}/lots/{lot_id}/sign-in"))
        opened = ok(release(bidder, receipts[n]["bid_id"]))
        assert opened["status"] == Bid.Status.DECRYPTED and not opened["price_sheet_problems"]
    # The last bidder never releases the key: at the window's end it counts as revoked.
    _tick(manual_clock, minutes=31)
    assert Lot.objects.get(pk=lot_id).status == Lot.Status.OPENED
    hall = ok(world.supervisor_client.get(f"{API}/lots/{lot_id}/hall"))
    return {"lot_id": lot_id, "hall": hall, "project": project}


@pytest.fixture
def supervisor_client(world: World, verified_client: Any) -> Any:
    world.supervisor_client = verified_client(world.supervisor)  # type: ignore[attr-defined]
    return world.supervisor_client


def test_works_open_tender_end_to_end(
    world: World, supervisor_client: Any, manual_clock: clock.ManualClock, tmp_path: Path
) -> None:
    result = _run_tender(
        world,
        manual_clock,
        tmp_path,
        procedure="works_open_post",
        item="CON-WORKS-HOUSING",
        supervisor=world.housing.pk,
        sheet=WORKS_SHEET,
    )
    record = result["hall"]["opening"]["record"]
    statuses = sorted(line["status"] for line in record["bids"])
    assert statuses == ["decrypted"] * 4 + ["revoked"]
    assert [line["price_sheet"]["price"] for line in record["bids"] if line["price_sheet"]]
    assert platform_key.verify(record, result["hall"]["opening"]["record_signature"])
    assert Notice.objects.filter(kind=Notice.Kind.OPENING_RECORD).count() == 1
    assert verify_ledger().ok


def test_gp_open_tender_end_to_end(
    world: World, supervisor_client: Any, manual_clock: clock.ManualClock, tmp_path: Path
) -> None:
    world.supervisor.organisation = world.finance
    world.supervisor.save()
    result = _run_tender(
        world,
        manual_clock,
        tmp_path,
        procedure="gp_open",
        item="GP-GOODS-MEDICAL",
        supervisor=world.finance.pk,
        sheet=GP_SHEET,
    )
    record = result["hall"]["opening"]["record"]
    assert len(record["bids"]) == 5
    assert {line["price_sheet"].get("delivery_days") for line in record["bids"]} >= {30}
    assert verify_ledger().ok


def test_demo_scenario_runs_on_the_demo_data(db: Any, tender_settings: Any) -> None:
    from ggzy.demo.load import load
    from ggzy.demo.tender import tender_to_opening

    load(progress=lambda *_: None)
    lines: list[str] = []
    assert tender_to_opening(lines.append)
    assert any("第三十一条" in line for line in lines)
