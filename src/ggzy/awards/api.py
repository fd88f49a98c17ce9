"""REST API from the report to the contract, mounted at /api/v1/awards (thin)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import FileResponse, HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from ggzy.core.http import acting_user, client_ip
from ggzy.tendering.services.documents import answer_objection

from . import selectors
from .services import award, challenges, contract, publicity

router = Router(tags=["awards 定标与合同"])


class PublicityIn(Schema):
    ends_at: datetime


class TextIn(Schema):
    text: str = Field(max_length=5000)


class AnswerIn(Schema):
    answer: str = Field(max_length=5000)


class AwardIn(Schema):
    bid: int
    ground: str | None = None
    reason: str = Field("", max_length=2000)


class ContractIn(Schema):
    number: str = Field(max_length=64)
    amount: Decimal
    signed_on: date
    duration: str = Field(max_length=100)
    amount_reason: str = Field("", max_length=2000)


class PerformanceIn(Schema):
    reported_on: date
    progress: str = Field(max_length=5000)
    paid: Decimal
    completed: bool = False


def _state(request: HttpRequest, lot_id: int) -> dict[str, Any]:
    return selectors.lot_state(acting_user(request), lot_id)


@router.get("/lots/{lot_id}")
def lot_state(request: HttpRequest, lot_id: int) -> dict[str, Any]:
    return _state(request, lot_id)


@router.post("/lots/{lot_id}/publicity", response={201: dict[str, Any]})
def publish_candidates(request: HttpRequest, lot_id: int, payload: PublicityIn) -> Status:
    publicity.publish_candidates(
        user=acting_user(request), lot_id=lot_id, ends_at=payload.ends_at, ip=client_ip(request)
    )
    return Status(201, _state(request, lot_id))


@router.post("/lots/{lot_id}/objections", response={201: dict[str, Any]})
def object_to_result(request: HttpRequest, lot_id: int, payload: TextIn) -> Status:
    publicity.raise_candidate_objection(
        user=acting_user(request), lot_id=lot_id, text=payload.text, ip=client_ip(request)
    )
    return Status(201, _state(request, lot_id))


@router.post("/objections/{objection_id}/answer")
def answer(request: HttpRequest, objection_id: int, payload: AnswerIn) -> dict[str, Any]:
    objection = answer_objection(
        user=acting_user(request),
        objection_id=objection_id,
        answer=payload.answer,
        ip=client_ip(request),
    )
    assert objection.lot_id is not None
    return _state(request, objection.lot_id)


@router.post("/lots/{lot_id}/award", response={201: dict[str, Any]})
def decide(request: HttpRequest, lot_id: int, payload: AwardIn) -> Status:
    award.decide(
        user=acting_user(request),
        lot_id=lot_id,
        bid_id=payload.bid,
        ground=payload.ground,
        reason=payload.reason,
        ip=client_ip(request),
    )
    return Status(201, _state(request, lot_id))


@router.get("/letters/{letter_id}.pdf")
def letter(request: HttpRequest, letter_id: int) -> FileResponse:
    found = selectors.get_letter(acting_user(request), letter_id)
    return FileResponse(
        selectors.letter_file(found),
        content_type="application/pdf",
        filename=f"{found.award.lot.code}-{found.get_kind_display()}.pdf",
    )


@router.post("/lots/{lot_id}/challenges", response={201: dict[str, Any]})
def challenge(request: HttpRequest, lot_id: int, payload: TextIn) -> Status:
    challenges.file_challenge(
        user=acting_user(request), lot_id=lot_id, text=payload.text, ip=client_ip(request)
    )
    return Status(201, _state(request, lot_id))


@router.post("/challenges/{challenge_id}/answer")
def answer_challenge(request: HttpRequest, challenge_id: int, payload: AnswerIn) -> dict[str, Any]:
    found = challenges.answer_challenge(
        user=acting_user(request),
        challenge_id=challenge_id,
        answer=payload.answer,
        ip=client_ip(request),
    )
    return _state(request, found.lot_id)


@router.post("/lots/{lot_id}/contract", response={201: dict[str, Any]})
def record_contract(request: HttpRequest, lot_id: int, payload: ContractIn) -> Status:
    contract.record_contract(
        user=acting_user(request),
        lot_id=lot_id,
        number=payload.number,
        amount=payload.amount,
        signed_on=payload.signed_on,
        duration=payload.duration,
        amount_reason=payload.amount_reason,
        ip=client_ip(request),
    )
    return Status(201, _state(request, lot_id))


@router.post("/lots/{lot_id}/performance", response={201: dict[str, Any]})
def record_performance(request: HttpRequest, lot_id: int, payload: PerformanceIn) -> Status:
    contract.record_performance(
        user=acting_user(request),
        lot_id=lot_id,
        reported_on=payload.reported_on,
        progress=payload.progress,
        paid=payload.paid,
        completed=payload.completed,
        ip=client_ip(request),
    )
    return Status(201, _state(request, lot_id))


@router.get("/warnings")
def warnings(request: HttpRequest) -> list[dict[str, Any]]:
    """Overdue steps (预警) on the lots the user runs or supervises."""
    return selectors.warnings(acting_user(request))
