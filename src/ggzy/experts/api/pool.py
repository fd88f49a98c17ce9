"""REST API for the expert pool, evaluation and appraisal, mounted at /api/v1/experts
(thin: parse, authorise, call one service or selector). Errors are mapped in ``ggzy.api``."""

from __future__ import annotations

import secrets
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile
from pydantic import Field

from ggzy.accounts.models import User
from ggzy.accounts.selectors import is_centre_staff
from ggzy.kernel.errors import Forbidden, InvalidInput

from ..models import Appraisal, Expert, Invitation, Leave, ProfileChange, Remuneration, Sanction
from ..selectors import pool as selectors
from ..services import appraisal as appraisal_services
from ..services import evaluation as evaluation_services
from ..services import pool as services

router = Router(tags=["experts 专家库"])

# --- schemas -----------------------------------------------------------------------------


class ExpertFieldsIn(Schema):
    """Expert fields; in an update, omitted fields keep their value."""

    name: str | None = Field(None, max_length=64)
    resident_id: str | None = Field(None, max_length=30)
    employer_name: str | None = Field(None, max_length=200)
    employer_uscc: str | None = Field(None, max_length=30)
    title: str | None = Field(None, max_length=64)
    years_of_practice: int | None = Field(None, ge=0, le=100)
    education: str | None = Field(None, max_length=32)
    mobile: str | None = Field(None, max_length=20)
    email: str | None = Field(None, max_length=254)
    region: str | None = Field(None, max_length=6)
    main_specialty: str | None = Field(None, max_length=16)
    other_specialties: list[str] | None = Field(None, max_length=services.MAX_OTHER_SPECIALTIES)
    in_comprehensive_pool: bool | None = None
    in_procurement_pool: bool | None = None
    bank_name: str | None = Field(None, max_length=100)
    bank_account: str | None = Field(None, max_length=40)
    declared_conflicts: list[str] | None = Field(None, max_length=services.MAX_CONFLICTS)


class ExpertOut(Schema):
    id: int
    name: str
    resident_id: str
    employer_name: str
    employer_uscc: str
    title: str
    years_of_practice: int
    education: str
    mobile: str
    email: str
    region: str
    main_specialty: str
    other_specialties: list[str]
    in_comprehensive_pool: bool
    in_procurement_pool: bool
    status: str
    status_reason: str
    status_document: str
    status_until: date | None
    bank_name: str
    bank_account: str
    declared_conflicts: list[str]
    has_account: bool


class ExpertPage(Schema):
    count: int
    items: list[ExpertOut]


class ChangeOut(Schema):
    id: int
    expert: int = Field(alias="expert_id")
    data: dict[str, Any]
    status: str
    submitted_at: datetime
    reviewed_at: datetime | None
    reason: str


class ProfileUpdateOut(Schema):
    expert: ExpertOut
    applied: list[str]
    change: ChangeOut | None


class AccountOut(Schema):
    expert_id: int
    username: str
    password: str


class LeaveIn(Schema):
    start: date
    end: date
    reason: str = Field("", max_length=200)


class LeaveOut(Schema):
    id: int
    expert: int = Field(alias="expert_id")
    start: date
    end: date
    reason: str


class SanctionIn(Schema):
    kind: Literal["suspended", "blacklisted"]
    reason: str = Field(max_length=500)
    document: str = Field(max_length=100)
    start: date
    until: date | None = None


class SanctionOut(Schema):
    id: int
    expert: int = Field(alias="expert_id")
    kind: str
    reason: str
    document: str
    start: date
    until: date | None
    created_at: datetime


class ReasonIn(Schema):
    reason: str = Field(max_length=500)


class SpecialtyOut(Schema):
    code: str
    name: str
    level: int
    parent: str | None = Field(None, alias="parent_id")
    is_active: bool


class RowErrorOut(Schema):
    row: int
    field: str | None
    message_zh: str
    message_en: str


class ImportOut(Schema):
    kind: str
    ok: bool
    rows: int
    created: list[Any]
    updated: list[Any]
    errors: list[RowErrorOut]
    accounts: list[AccountOut]


class ExpertQuery(Schema):
    specialty: str = Field("", max_length=16)
    status: Literal["", "active", "suspended", "blacklisted"] = ""
    region: str = Field("", max_length=6)
    q: str = Field("", max_length=64)
    pool: Literal["", "comprehensive", "procurement"] = ""
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=1_000_000)


class InvitationOut(Schema):
    id: int
    request: int = Field(alias="request_id")
    project_code: str
    lot_name: str
    opening_at: datetime
    venue: str
    status: str
    reply_by: datetime
    replied_at: datetime | None
    signed_in_at: datetime | None
    seat: int | None
    is_chair: bool
    replaced_at: datetime | None


class MemberOut(InvitationOut):
    expert: int = Field(alias="expert_id")
    expert_name: str
    replaced_reason: str


class SignInIn(Schema):
    at: datetime | None = None


class ChairIn(Schema):
    invitation: int


class SeatsOut(Schema):
    seats: dict[str, int]


class AppraisalIn(Schema):
    invitation: int
    attitude: int
    discipline: int
    professional: int
    confidentiality: int
    remarks: str = Field("", max_length=500)


class AppraisalOut(Schema):
    id: int
    invitation: int = Field(alias="invitation_id")
    by: str
    attitude: int
    discipline: int
    professional: int
    confidentiality: int
    overall: Decimal
    remarks: str
    created_at: datetime


class AssessmentOut(Schema):
    expert_id: int
    year: int
    projects: int
    appraisals: int
    averages: dict[str, Decimal | None]
    overall: Decimal | None
    sanctions: list[SanctionOut]
    hours: Decimal
    amount: Decimal


class RemunerationIn(Schema):
    invitation: int
    hours: str = Field(max_length=8, description="hours, at most one decimal place, e.g. 4.5")
    amount: str = Field(max_length=20, description="yuan as a plain string, e.g. 800.00")


class RemunerationOut(Schema):
    id: int
    invitation: int = Field(alias="invitation_id")
    project_code: str
    hours: Decimal
    amount: Decimal
    created_at: datetime
    exported_at: datetime | None


class BankBatchIn(Schema):
    request: int | None = None
    period_from: date | None = None
    period_to: date | None = None
    include_exported: bool = False


# --- helpers -----------------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined]


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def expert_out(expert: Expert, viewer: User) -> dict[str, Any]:
    """The expert as the viewer may see it: supervisors and oversight get ID and bank
    account masked; centre staff and the expert see them in full."""
    data = services.current_data(expert)
    full = is_centre_staff(viewer) or (expert.user_id is not None and expert.user_id == viewer.pk)
    if not full:
        data["resident_id"] = selectors.mask_id(expert.resident_id)
        data["bank_account"] = "****" + expert.bank_account[-4:] if expert.bank_account else ""
    return {
        **data,
        "id": expert.pk,
        "status": expert.status,
        "status_reason": expert.status_reason,
        "status_document": expert.status_document,
        "status_until": expert.status_until,
        "has_account": expert.user_id is not None,
    }


def _own_expert(user: User) -> Expert:
    expert = selectors.expert_of(user)
    if expert is None:
        raise Forbidden("此接口仅供专家本人使用", "this endpoint is for experts only")
    return expert


def _invitation_out(invitation: Invitation) -> dict[str, Any]:
    req = invitation.request
    return {
        "id": invitation.pk,
        "request_id": req.pk,
        "project_code": req.project_code,
        "lot_name": req.lot_name,
        "opening_at": req.opening_at,
        "venue": invitation.venue.name,
        "status": invitation.status,
        "reply_by": invitation.reply_by,
        "replied_at": invitation.replied_at,
        "signed_in_at": invitation.signed_in_at,
        "seat": invitation.seat,
        "is_chair": invitation.is_chair,
        "replaced_at": invitation.replaced_at,
    }


def _appraisal_out(appraisal: Appraisal) -> dict[str, Any]:
    return {
        "id": appraisal.pk,
        "invitation_id": appraisal.invitation_id,
        "by": appraisal.by,
        "attitude": appraisal.attitude,
        "discipline": appraisal.discipline,
        "professional": appraisal.professional,
        "confidentiality": appraisal.confidentiality,
        "overall": appraisal_services.overall(appraisal),
        "remarks": appraisal.remarks,
        "created_at": appraisal.created_at,
    }


def _remuneration_out(pay: Remuneration) -> dict[str, Any]:
    return {
        "id": pay.pk,
        "invitation_id": pay.invitation_id,
        "project_code": pay.invitation.request.project_code,
        "hours": pay.hours,
        "amount": pay.amount,
        "created_at": pay.created_at,
        "exported_at": pay.exported_at,
    }


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _report(report: services.ImportReport) -> Status[dict[str, Any]]:
    return Status(201 if report.ok else 422, report.as_dict())


# --- the pool ------------------------------------------------------------------------------


@router.get("/", response=ExpertPage)
def list_experts(request: HttpRequest, query: Query[ExpertQuery]) -> dict[str, Any]:
    user = _user(request)
    experts = selectors.filter_experts(
        selectors.experts_visible_to(user),
        specialty=query.specialty,
        status=query.status,
        region=query.region,
        q=query.q,
        pool=query.pool,
    ).prefetch_related("other_specialties")
    page = experts[query.offset : query.offset + query.limit]
    return {"count": experts.count(), "items": [expert_out(e, user) for e in page]}


@router.post("/", response={201: ExpertOut})
def create_expert(request: HttpRequest, payload: ExpertFieldsIn) -> Status[dict[str, Any]]:
    user = _user(request)
    data = payload.dict(exclude_unset=True)
    expert = services.create_expert(user=user, data=data, ip=_ip(request))
    return Status(201, expert_out(expert, user))


@router.get("/me", response=ExpertOut)
def my_profile(request: HttpRequest) -> dict[str, Any]:
    user = _user(request)
    return expert_out(_own_expert(user), user)


@router.patch("/me", response=ProfileUpdateOut)
def update_my_profile(request: HttpRequest, payload: ExpertFieldsIn) -> dict[str, Any]:
    user = _user(request)
    result = services.update_own_profile(
        user=user, changes=payload.dict(exclude_unset=True), ip=_ip(request)
    )
    return {
        "expert": expert_out(result.expert, user),
        "applied": result.applied,
        "change": result.change,
    }


@router.get("/me/invitations", response=list[InvitationOut])
def my_invitations(request: HttpRequest) -> list[dict[str, Any]]:
    expert = _own_expert(_user(request))
    return [_invitation_out(i) for i in selectors.invitations_of(expert)]


@router.get("/me/changes", response=list[ChangeOut])
def my_changes(request: HttpRequest) -> Any:
    return selectors.changes_of(_own_expert(_user(request)))


@router.get("/{int:expert_id}", response=ExpertOut)
def get_expert(request: HttpRequest, expert_id: int) -> dict[str, Any]:
    user = _user(request)
    return expert_out(selectors.get_expert(user, expert_id), user)


@router.patch("/{int:expert_id}", response=ExpertOut)
def update_expert(request: HttpRequest, expert_id: int, payload: ExpertFieldsIn) -> dict[str, Any]:
    user = _user(request)
    expert = services.update_expert(
        user=user, expert_id=expert_id, changes=payload.dict(exclude_unset=True), ip=_ip(request)
    )
    return expert_out(expert, user)


@router.post("/{int:expert_id}/account", response={201: AccountOut})
def create_account(request: HttpRequest, expert_id: int) -> Status[services.NewAccount]:
    account = services.create_expert_account(
        user=_user(request), expert_id=expert_id, ip=_ip(request)
    )
    return Status(201, account)


# --- leave ---------------------------------------------------------------------------------


@router.get("/{int:expert_id}/leaves", response=list[LeaveOut])
def list_leaves(request: HttpRequest, expert_id: int) -> Any:
    return selectors.leaves_of(selectors.get_expert(_user(request), expert_id))


@router.post("/{int:expert_id}/leaves", response={201: LeaveOut})
def add_leave(request: HttpRequest, expert_id: int, payload: LeaveIn) -> Status[Leave]:
    leave = services.add_leave(
        user=_user(request), expert_id=expert_id, ip=_ip(request), **payload.dict()
    )
    return Status(201, leave)


@router.delete("/leaves/{int:leave_id}", response={204: None})
def cancel_leave(request: HttpRequest, leave_id: int) -> Status[None]:
    services.cancel_leave(user=_user(request), leave_id=leave_id, ip=_ip(request))
    return Status(204, None)


# --- sanctions ----------------------------------------------------------------------------


@router.get("/sanctions", response=list[SanctionOut])
def list_sanctions(request: HttpRequest) -> Any:
    return selectors.sanctions_visible_to(_user(request))[:500]


@router.post("/{int:expert_id}/sanctions", response={201: SanctionOut})
def sanction(request: HttpRequest, expert_id: int, payload: SanctionIn) -> Status[Sanction]:
    result = services.sanction_expert(
        user=_user(request), expert_id=expert_id, ip=_ip(request), **payload.dict()
    )
    return Status(201, result)


@router.post("/{int:expert_id}/restore", response=ExpertOut)
def lift_sanction(request: HttpRequest, expert_id: int, payload: ReasonIn) -> dict[str, Any]:
    user = _user(request)
    expert = services.lift_sanction(
        user=user, expert_id=expert_id, reason=payload.reason, ip=_ip(request)
    )
    return expert_out(expert, user)


# --- profile changes -----------------------------------------------------------------------


@router.get("/changes", response=list[ChangeOut])
def pending_changes(request: HttpRequest) -> Any:
    return selectors.pending_changes(_user(request))


@router.post("/changes/{int:change_id}/approve", response=ChangeOut)
def approve_change(request: HttpRequest, change_id: int) -> ProfileChange:
    return services.approve_profile_change(
        reviewer=_user(request), change_id=change_id, ip=_ip(request)
    )


@router.post("/changes/{int:change_id}/return", response=ChangeOut)
def return_change(request: HttpRequest, change_id: int, payload: ReasonIn) -> ProfileChange:
    return services.return_profile_change(
        reviewer=_user(request), change_id=change_id, reason=payload.reason, ip=_ip(request)
    )


# --- classification and Excel --------------------------------------------------------------


@router.get("/specialties", response=list[SpecialtyOut])
def list_specialties(request: HttpRequest, active: bool = False) -> Any:
    return selectors.specialties(active_only=active)


@router.get("/specialties/export", response={200: None})
def export_specialties(request: HttpRequest) -> HttpResponse:
    if not selectors.can_read_pool(_user(request)):
        raise Forbidden("无权导出", "you may not export the classification")
    content = services.export_specialties()
    return _download(content, "specialties.xlsx", services.XLSX_CONTENT_TYPE)


@router.post("/specialties/import", response={201: ImportOut, 422: ImportOut})
def import_specialties(request: HttpRequest, file: File[UploadedFile]) -> Status[dict[str, Any]]:
    report = services.import_specialties(user=_user(request), file=file, ip=_ip(request))
    return _report(report)


@router.get("/export", response={200: None})
def export_experts(request: HttpRequest, query: Query[ExpertQuery]) -> HttpResponse:
    user = _user(request)
    if not is_centre_staff(user):
        raise Forbidden(
            "只有交易中心工作人员才能导出专家库", "only centre staff may export the pool"
        )
    experts = selectors.filter_experts(
        selectors.experts_visible_to(user),
        specialty=query.specialty,
        status=query.status,
        region=query.region,
        q=query.q,
        pool=query.pool,
    )
    return _download(services.export_experts(experts), "experts.xlsx", services.XLSX_CONTENT_TYPE)


@router.post("/import", response={201: ImportOut, 422: ImportOut})
def import_experts(
    request: HttpRequest, file: File[UploadedFile], create_accounts: Form[bool] = False
) -> Status[dict[str, Any]]:
    report = services.import_experts(
        user=_user(request), file=file, create_accounts=create_accounts, ip=_ip(request)
    )
    return _report(report)


# --- evaluation ------------------------------------------------------------------------------


@router.get("/evaluations/{int:request_id}/members", response=list[MemberOut])
def evaluation_members(request: HttpRequest, request_id: int) -> list[dict[str, Any]]:
    members = selectors.evaluation_members(_user(request), request_id)
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
        invitation=invitation_id, by=_user(request), at=payload.at, ip=_ip(request)
    )
    return _invitation_out(invitation)


@router.post("/evaluations/{int:request_id}/seats", response=SeatsOut)
def assign_seats(request: HttpRequest, request_id: int) -> dict[str, Any]:
    seats = evaluation_services.assign_seats(
        request=request_id, seed=secrets.token_bytes(32), by=_user(request), ip=_ip(request)
    )
    return {"seats": {str(k): v for k, v in seats.items()}}


@router.post("/evaluations/{int:request_id}/chair", response=InvitationOut)
def elect_chair(request: HttpRequest, request_id: int, payload: ChairIn) -> dict[str, Any]:
    invitation = evaluation_services.elect_chair(
        request=request_id, invitation=payload.invitation, by=_user(request), ip=_ip(request)
    )
    return _invitation_out(invitation)


@router.post("/evaluations/invitations/{int:invitation_id}/replace", response=InvitationOut)
def replace_member(request: HttpRequest, invitation_id: int, payload: ReasonIn) -> dict[str, Any]:
    invitation = evaluation_services.replace_member(
        invitation=invitation_id, reason=payload.reason, by=_user(request), ip=_ip(request)
    )
    return _invitation_out(invitation)


# --- appraisal and remuneration -----------------------------------------------------------


@router.get("/appraisals", response=list[AppraisalOut])
def list_appraisals(request: HttpRequest) -> list[dict[str, Any]]:
    rows = selectors.appraisals_visible_to(_user(request))[:500]
    return [_appraisal_out(a) for a in rows]


@router.post("/appraisals", response={201: AppraisalOut})
def appraise(request: HttpRequest, payload: AppraisalIn) -> Status[dict[str, Any]]:
    data = payload.dict()
    appraisal = appraisal_services.appraise(
        user=_user(request), invitation_id=data.pop("invitation"), ip=_ip(request), **data
    )
    return Status(201, _appraisal_out(appraisal))


@router.get("/{int:expert_id}/assessment", response=AssessmentOut)
def assessment(request: HttpRequest, expert_id: int, year: int) -> Any:
    expert = selectors.get_expert(_user(request), expert_id)
    return appraisal_services.annual_assessment(expert, year)


@router.get("/remunerations", response=list[RemunerationOut])
def list_remunerations(request: HttpRequest) -> list[dict[str, Any]]:
    rows = selectors.remunerations_visible_to(_user(request))[:500]
    return [_remuneration_out(r) for r in rows]


@router.post("/remunerations", response={201: RemunerationOut})
def record_remuneration(request: HttpRequest, payload: RemunerationIn) -> Status[dict[str, Any]]:
    pay = appraisal_services.record_remuneration(
        user=_user(request),
        invitation_id=payload.invitation,
        hours=payload.hours,
        amount=payload.amount,
        ip=_ip(request),
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
        user=_user(request),
        request=payload.request,
        period=period,
        include_exported=payload.include_exported,
        ip=_ip(request),
    )
    return _download(content, "bank-batch.csv", "text/csv; charset=utf-8")
