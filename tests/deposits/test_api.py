"""The /api/v1/deposits endpoints."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from ggzy.accounts.models import User
from ggzy.deposits import services
from ggzy.entities.models import MarketEntity
from ggzy.kernel import clock
from ggzy.tendering.models import Lot

from .conftest import DEADLINE, NOW, PAID_AT, Api, World, transfer


def transfer_body(entity: MarketEntity, **overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "entity": entity.pk,
        "amount": "20000.00",
        "payer_bank": entity.bank_name,
        "payer_account": entity.bank_account,
        "paid_at": (NOW - timedelta(hours=2)).isoformat(),
        "bank_reference": "API-1",
    }
    body.update(overrides)
    return body


def test_record_transfer(world: World, lot: Lot, bidder: MarketEntity) -> None:
    api = Api(world.staff)
    response = api.post(f"/lots/{lot.pk}/transfers", transfer_body(bidder))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["entity"] == bidder.pk
    assert body["lot_code"] == lot.code
    assert body["amount"] == "20000.00"
    assert body["status"] == "held"

    again = api.post(f"/lots/{lot.pk}/transfers", transfer_body(bidder))
    assert again.status_code == 409
    assert again.json()["code"] == "duplicate_reference"

    wrong = api.post(
        f"/lots/{lot.pk}/transfers", transfer_body(bidder, payer_account="1", bank_reference="B")
    )
    assert wrong.status_code == 422
    assert wrong.json()["rule"] == "deposits.transfer_from_basic_account"

    bad = api.post(f"/lots/{lot.pk}/transfers", transfer_body(bidder, amount="1.001"))
    assert bad.status_code == 400
    assert bad.json()["field"] == "amount"

    assert api.post("/lots/999999/transfers", transfer_body(bidder)).status_code == 404


def test_bidder_may_not_record_transfers(
    world: World, lot: Lot, bidder: MarketEntity, bidder_user: User
) -> None:
    response = Api(bidder_user).post(f"/lots/{lot.pk}/transfers", transfer_body(bidder))
    assert response.status_code == 403
    assert response.json()["message_zh"]


def test_record_guarantee_by_the_bidder(
    world: World, lot: Lot, bidder: MarketEntity, bidder_user: User
) -> None:
    body = {
        "entity": bidder.pk,
        "guarantee_no": "BH-API",
        "issuer": "某担保公司",
        "amount": "20000",
        "valid_from": PAID_AT.date().isoformat(),
        "valid_until": (DEADLINE.date() + timedelta(days=90)).isoformat(),
    }
    response = Api(bidder_user).post(f"/lots/{lot.pk}/guarantees", body)
    assert response.status_code == 201, response.json()
    assert response.json()["kind"] == "guarantee"
    short = Api(bidder_user).post(
        f"/lots/{lot.pk}/guarantees",
        {
            **body,
            "guarantee_no": "BH-2",
            "valid_until": (DEADLINE.date() - timedelta(days=1)).isoformat(),
        },
    )
    assert short.status_code == 422
    assert short.json()["rule"] == "deposits.guarantee_covers_bid_deadline"


def test_import_statement(world: World, lot: Lot, bidder: MarketEntity) -> None:
    api = Api(world.staff)
    paid = clock.local_text(PAID_AT)
    good = f"交易时间,付款账号,金额,流水号\n{paid},{bidder.bank_account},20000,CSV-1\n".encode()
    response = api.upload(
        f"/lots/{lot.pk}/statement", {"file": SimpleUploadedFile("s.csv", good, "text/csv")}
    )
    assert response.status_code == 201, response.json()
    assert response.json()["ok"] is True
    assert len(response.json()["created"]) == 1

    bad = good + f"{paid},000,5,CSV-2\n".encode()
    response = api.upload(
        f"/lots/{lot.pk}/statement", {"file": SimpleUploadedFile("s.csv", bad, "text/csv")}
    )
    assert response.status_code == 422
    body = response.json()
    assert body["skipped"] == [{"row": 2, "reference": "CSV-1"}]
    assert [e["row"] for e in body["errors"]] == [3]


def test_list_overdue_and_refund(
    world: World,
    lot: Lot,
    bidder: MarketEntity,
    bidder_user: User,
    manual_clock: clock.ManualClock,
) -> None:
    deposit = transfer(world, lot, bidder)
    api = Api(world.staff)
    listed = api.get(f"/lots/{lot.pk}")
    assert listed.status_code == 200
    assert [d["id"] for d in listed.json()] == [deposit.pk]
    assert [d["id"] for d in Api(bidder_user).get(f"/lots/{lot.pk}").json()] == [deposit.pk]
    assert Api(world.city_staff).get(f"/lots/{lot.pk}").status_code == 404

    services.refund_due(lot=lot, entity=bidder, reason="withdrawn", at=NOW.date())
    manual_clock.advance(timedelta(days=6))
    overdue = api.get("/overdue")
    assert overdue.status_code == 200
    due = NOW.date() + timedelta(days=5)
    assert [d["refund_due_on"] for d in overdue.json()] == [due.isoformat()]

    done = api.post(f"/{deposit.pk}/refunded", {"reference": "TK-1"})
    assert done.status_code == 200, done.json()
    assert done.json()["status"] == "refunded"
    assert api.get("/overdue").json() == []
    assert api.post(f"/{deposit.pk}/refunded", {"reference": "TK-1"}).status_code == 409


def test_anonymous_is_refused(lot: Lot) -> None:
    assert Client().get(f"/api/v1/deposits/lots/{lot.pk}").status_code == 401
