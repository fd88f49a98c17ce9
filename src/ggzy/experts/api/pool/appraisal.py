"""Endpoints of an expert's service after an evaluation: appraisal, the annual assessment
and remuneration. (The committee itself — sign-in, seats, chair, replacement — is the
evaluation API's: ``ggzy.evaluation.api``.)"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Status

from ggzy.core.http import acting_user, client_ip
from ggzy.kernel.errors import InvalidInput

from ...selectors import pool as selectors
from ...services import appraisal as appraisal_services
from ._common import _appraisal_out, _download, _remuneration_out, router
from .schemas import (
    AppraisalIn,
    AppraisalOut,
    AssessmentOut,
    BankBatchIn,
    RemunerationIn,
    RemunerationOut,
)


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
