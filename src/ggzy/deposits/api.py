"""REST API for bid deposits, mounted at /api/v1/deposits (thin: parse, call).

Domain errors are mapped in ``ggzy.api``.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import File, Router, Schema, Status, UploadedFile
from pydantic import Field

from ggzy.core.http import acting_user, client_ip
from ggzy.workcalendar.schemas import CalendarNoteOut

from . import selectors, services
from .models import Deposit
from .periods import refund_note

router = Router(tags=["deposits 保证金"])


class TransferIn(Schema):
    entity: int
    amount: Decimal
    payer_bank: str = Field("", max_length=100)
    payer_account: str = Field(max_length=32)
    paid_at: datetime
    bank_reference: str = Field(max_length=64)


class GuaranteeIn(Schema):
    entity: int
    guarantee_no: str = Field(max_length=64)
    issuer: str = Field(max_length=200)
    amount: Decimal
    valid_from: date
    valid_until: date


class RefundedIn(Schema):
    reference: str = Field(max_length=64)


class DepositOut(Schema):
    id: int
    lot: int = Field(alias="lot_id")
    lot_code: str = Field(alias="lot.code")
    entity: int = Field(alias="entity_id")
    entity_name: str = Field(alias="entity.name")
    kind: str
    amount: Decimal
    payer_bank: str
    payer_account: str
    paid_at: datetime | None
    bank_reference: str
    guarantee_no: str
    issuer: str
    valid_from: date | None
    valid_until: date | None
    recorded_at: datetime
    status: str
    refund_reason: str
    refund_due_on: date | None
    refund_due_note: CalendarNoteOut | None
    refunded_at: datetime | None
    refund_reference: str

    @staticmethod
    def resolve_refund_due_note(obj: Deposit) -> dict[str, object] | None:
        return refund_note(obj)


class RowErrorOut(Schema):
    row: int
    field: str | None
    message_zh: str
    message_en: str


class SkippedOut(Schema):
    row: int
    reference: str


class StatementOut(Schema):
    ok: bool
    rows: int
    file_sha256: str
    created: list[int]
    skipped: list[SkippedOut]
    errors: list[RowErrorOut]


@router.post("/lots/{int:lot_id}/transfers", response={201: DepositOut})
def record_transfer(request: HttpRequest, lot_id: int, payload: TransferIn) -> Status[Deposit]:
    data = payload.dict()
    deposit = services.record_transfer(
        user=acting_user(request),
        lot_id=lot_id,
        entity_id=data.pop("entity"),
        ip=client_ip(request),
        **data,
    )
    return Status(201, deposit)


@router.post("/lots/{int:lot_id}/statement", response={201: StatementOut, 422: StatementOut})
def import_statement(
    request: HttpRequest, lot_id: int, file: File[UploadedFile]
) -> Status[dict[str, Any]]:
    """A bank statement CSV; nothing is saved unless every row is good (422 lists them)."""
    report = services.import_statement(
        user=acting_user(request), lot_id=lot_id, csv_file=file, ip=client_ip(request)
    )
    return Status(201 if report.ok else 422, report.as_dict())


@router.post("/lots/{int:lot_id}/guarantees", response={201: DepositOut})
def record_guarantee(request: HttpRequest, lot_id: int, payload: GuaranteeIn) -> Status[Deposit]:
    data = payload.dict()
    deposit = services.record_guarantee(
        user=acting_user(request),
        lot_id=lot_id,
        entity_id=data.pop("entity"),
        ip=client_ip(request),
        **data,
    )
    return Status(201, deposit)


@router.get("/lots/{int:lot_id}", response=list[DepositOut])
def lot_deposits(request: HttpRequest, lot_id: int) -> QuerySet[Deposit]:
    user = acting_user(request)
    lot = selectors.get_lot(user, lot_id)
    return selectors.visible_to(user).filter(lot=lot)


@router.get("/overdue", response=list[DepositOut])
def overdue(request: HttpRequest) -> QuerySet[Deposit]:
    return selectors.overdue(acting_user(request))


@router.post("/{int:deposit_id}/refunded", response=DepositOut)
def mark_refunded(request: HttpRequest, deposit_id: int, payload: RefundedIn) -> Deposit:
    return services.mark_refunded(
        user=acting_user(request),
        deposit_id=deposit_id,
        reference=payload.reference,
        ip=client_ip(request),
    )
