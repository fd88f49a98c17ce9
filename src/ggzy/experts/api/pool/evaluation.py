"""Endpoints of an expert's service on evaluation committees: members, sign-in, seats,
chair and replacement; appraisal, the annual assessment and remuneration."""

from __future__ import annotations

import secrets
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Status

from ggzy.core.http import acting_user, client_ip
from ggzy.kernel.errors import InvalidInput

from ...selectors import pool as selectors
from ...services import appraisal as appraisal_services
from ...services import evaluation as evaluation_services
from ._common import (
    _appraisal_out,
    _download,
    _invitation_out,
    _remuneration_out,
    router,
)
from .schemas import (
    AppraisalIn,
    AppraisalOut,
    AssessmentOut,
    BankBatchIn,
    ChairIn,
    InvitationOut,
    MemberOut,
    ReasonIn,
    RemunerationIn,
    RemunerationOut,
    SeatsOut,
    SignInIn,
)

# --- evaluation ------------------------------------------------------------------------------


@router.get("/evaluations/{int:request_id}/members", response=list[MemberOut])
def evaluation_members(request: HttpRequest, request_id: int) -> list[dict[str, Any]]:
    members = selectors.evaluation_members(acting_user(request), request_id)
    return [
        {
            **_invitation_out(m),
            "expert_id": m.expert_id,
            "expert_name": m.expert.name,
            "replaced_reason": m.replaced_reason,
        }
        for m in members
    ]


@router.post("/evaluations/invitations/{int:invitation_id}/sign-in", response=InvitationOut)
def sign_in(request: HttpRequest, invitation_id: int, payload: SignInIn) -> dict[str, Any]:
    invitation = evaluation_services.sign_in(
        invitation=invitation_id, by=acting_user(request), at=payload.at, ip=client_ip(request)
    )
    return _invitation_out(invitation)


@router.post("/evaluations/{int:request_id}/seats", response=SeatsOut)
def assign_seats(request: HttpRequest, request_id: int) -> dict[str, Any]:
    seats = evaluation_services.assign_seats(
        request=request_id,
        seed=secrets.token_bytes(32),
        by=acting_user(request),
        ip=client_ip(request),
    )
    return {"seats": {str(k): v for k, v in seats.items()}}


@router.post("/evaluations/{int:request_id}/chair", response=InvitationOut)
def elect_chair(request: HttpRequest, request_id: int, payload: ChairIn) -> dict[str, Any]:
    invitation = evaluation_services.elect_chair(
        request=request_id,
        invitation=payload.invitation,
        by=acting_user(request),
        ip=client_ip(request),
    )
    return _invitation_out(invitation)


@router.post("/evaluations/invitations/{int:invitation_id}/replace", response=InvitationOut)
def replace_member(request: HttpRequest, invitation_id: int, payload: ReasonIn) -> dict[str, Any]:
    invitation = evaluation_services.replace_member(
        invitation=invitation_id,
        reason=payload.reason,
        by=acting_user(request),
        ip=client_ip(request),
    )
    return _invitation_out(invitation)


# --- appraisal and remuneration -----------------------------------------------------------


@router.get("/appraisals", response=list[AppraisalOut])
def list_appraisals(request: HttpRequest) -> list[dict[str, Any]]:
    rows = selectors.appraisals_visible_to(acting_user(request))[:500]
    return [_appraisal_out(a) for a in rows]


@router.post("/appraisals", response={201: AppraisalOut})
def appraise(request: HttpRequest, payload: AppraisalIn) -> Status[dict[str, Any]]:
    data = payload.dict()
    appraisal = appraisal_services.appraise(
        user=acting_user(request),
        invitation_id=data.pop("invitation"),
        ip=client_ip(request),
        **data,
    )
    return Status(201, _appraisal_out(appraisal))


@router.get("/{int:expert_id}/assessment", response=AssessmentOut)
def assessment(request: HttpRequest, expert_id: int, year: int) -> Any:
    expert = selectors.get_expert(acting_user(request), expert_id)
    return appraisal_services.annual_assessment(expert, year)


@router.get("/remunerations", response=list[RemunerationOut])
def list_remunerations(request: HttpRequest) -> list[dict[str, Any]]:
    rows = selectors.remunerations_visible_to(acting_user(request))[:500]
    return [_remuneration_out(r) for r in rows]


@router.post("/remunerations", response={201: RemunerationOut})
def record_remuneration(request: HttpRequest, payload: RemunerationIn) -> Status[dict[str, Any]]:
    pay = appraisal_services.record_remuneration(
        user=acting_user(request),
        invitation_id=payload.invitation,
        hours=payload.hours,
        amount=payload.amount,
        ip=client_ip(request),
    )
    return Status(201, _remuneration_out(pay))


@router.post("/remunerations/bank-batch", response={200: None})
def bank_batch(request: HttpRequest, payload: BankBatchIn) -> HttpResponse:
    """The bank-transfer batch (CSV) for one draw request, or for a period of opening dates."""
    period = None
    if payload.period_from is not None or payload.period_to is not None:
        if payload.period_from is None or payload.period_to is None:
            raise InvalidInput(
                "期间须同时给出开始和结束日期", "a period needs both ends", field="period_from"
            )
        period = (payload.period_from, payload.period_to)
    content = appraisal_services.export_bank_batch(
        user=acting_user(request),
        request=payload.request,
        period=period,
        include_exported=payload.include_exported,
        ip=client_ip(request),
    )
    return _download(content, "bank-batch.csv", "text/csv; charset=utf-8")
