"""Endpoints of the pool itself: experts and their own profile, accounts, leave,
sanctions, profile-change review, the classification and Excel import/export."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Query, Status, UploadedFile

from ggzy.accounts.selectors import is_centre_staff
from ggzy.core.http import acting_user, client_ip
from ggzy.kernel.errors import Forbidden

from ...models import Leave, ProfileChange, Sanction
from ...selectors import pool as selectors
from ...services import pool as services
from ._common import (
    _download,
    _invitation_out,
    _own_expert,
    _report,
    expert_out,
    router,
)
from .schemas import (
    AccountOut,
    ChangeOut,
    ExpertFieldsIn,
    ExpertOut,
    ExpertPage,
    ExpertQuery,
    ImportOut,
    InvitationOut,
    LeaveIn,
    LeaveOut,
    ProfileUpdateOut,
    ReasonIn,
    SanctionIn,
    SanctionOut,
    SpecialtyOut,
)

# --- the pool ------------------------------------------------------------------------------


@router.get("/", response=ExpertPage)
def list_experts(request: HttpRequest, query: Query[ExpertQuery]) -> dict[str, Any]:
    user = acting_user(request)
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
    user = acting_user(request)
    data = payload.dict(exclude_unset=True)
    expert = services.create_expert(user=user, data=data, ip=client_ip(request))
    return Status(201, expert_out(expert, user))


@router.get("/me", response=ExpertOut)
def my_profile(request: HttpRequest) -> dict[str, Any]:
    user = acting_user(request)
    return expert_out(_own_expert(user), user)


@router.patch("/me", response=ProfileUpdateOut)
def update_my_profile(request: HttpRequest, payload: ExpertFieldsIn) -> dict[str, Any]:
    user = acting_user(request)
    result = services.update_own_profile(
        user=user, changes=payload.dict(exclude_unset=True), ip=client_ip(request)
    )
    return {
        "expert": expert_out(result.expert, user),
        "applied": result.applied,
        "change": result.change,
    }


@router.get("/me/invitations", response=list[InvitationOut])
def my_invitations(request: HttpRequest) -> list[dict[str, Any]]:
    expert = _own_expert(acting_user(request))
    return [_invitation_out(i) for i in selectors.invitations_of(expert)]


@router.get("/me/changes", response=list[ChangeOut])
def my_changes(request: HttpRequest) -> Any:
    return selectors.changes_of(_own_expert(acting_user(request)))


@router.get("/{int:expert_id}", response=ExpertOut)
def get_expert(request: HttpRequest, expert_id: int) -> dict[str, Any]:
    user = acting_user(request)
    return expert_out(selectors.get_expert(user, expert_id), user)


@router.patch("/{int:expert_id}", response=ExpertOut)
def update_expert(request: HttpRequest, expert_id: int, payload: ExpertFieldsIn) -> dict[str, Any]:
    user = acting_user(request)
    expert = services.update_expert(
        user=user,
        expert_id=expert_id,
        changes=payload.dict(exclude_unset=True),
        ip=client_ip(request),
    )
    return expert_out(expert, user)


@router.post("/{int:expert_id}/account", response={201: AccountOut})
def create_account(request: HttpRequest, expert_id: int) -> Status[services.NewAccount]:
    account = services.create_expert_account(
        user=acting_user(request), expert_id=expert_id, ip=client_ip(request)
    )
    return Status(201, account)


# --- leave ---------------------------------------------------------------------------------


@router.get("/{int:expert_id}/leaves", response=list[LeaveOut])
def list_leaves(request: HttpRequest, expert_id: int) -> Any:
    return selectors.leaves_of(selectors.get_expert(acting_user(request), expert_id))


@router.post("/{int:expert_id}/leaves", response={201: LeaveOut})
def add_leave(request: HttpRequest, expert_id: int, payload: LeaveIn) -> Status[Leave]:
    leave = services.add_leave(
        user=acting_user(request), expert_id=expert_id, ip=client_ip(request), **payload.dict()
    )
    return Status(201, leave)


@router.delete("/leaves/{int:leave_id}", response={204: None})
def cancel_leave(request: HttpRequest, leave_id: int) -> Status[None]:
    services.cancel_leave(user=acting_user(request), leave_id=leave_id, ip=client_ip(request))
    return Status(204, None)


# --- sanctions ----------------------------------------------------------------------------


@router.get("/sanctions", response=list[SanctionOut])
def list_sanctions(request: HttpRequest) -> Any:
    return selectors.sanctions_visible_to(acting_user(request))[:500]


@router.post("/{int:expert_id}/sanctions", response={201: SanctionOut})
def sanction(request: HttpRequest, expert_id: int, payload: SanctionIn) -> Status[Sanction]:
    result = services.sanction_expert(
        user=acting_user(request), expert_id=expert_id, ip=client_ip(request), **payload.dict()
    )
    return Status(201, result)


@router.post("/{int:expert_id}/restore", response=ExpertOut)
def lift_sanction(request: HttpRequest, expert_id: int, payload: ReasonIn) -> dict[str, Any]:
    user = acting_user(request)
    expert = services.lift_sanction(
        user=user, expert_id=expert_id, reason=payload.reason, ip=client_ip(request)
    )
    return expert_out(expert, user)


# --- profile changes -----------------------------------------------------------------------


@router.get("/changes", response=list[ChangeOut])
def pending_changes(request: HttpRequest) -> Any:
    return selectors.pending_changes(acting_user(request))


@router.post("/changes/{int:change_id}/approve", response=ChangeOut)
def approve_change(request: HttpRequest, change_id: int) -> ProfileChange:
    return services.approve_profile_change(
        reviewer=acting_user(request), change_id=change_id, ip=client_ip(request)
    )


@router.post("/changes/{int:change_id}/return", response=ChangeOut)
def return_change(request: HttpRequest, change_id: int, payload: ReasonIn) -> ProfileChange:
    return services.return_profile_change(
        reviewer=acting_user(request),
        change_id=change_id,
        reason=payload.reason,
        ip=client_ip(request),
    )


# --- classification and Excel --------------------------------------------------------------


@router.get("/specialties", response=list[SpecialtyOut])
def list_specialties(request: HttpRequest, active: bool = False) -> Any:
    return selectors.specialties(active_only=active)


@router.get("/specialties/export", response={200: None})
def export_specialties(request: HttpRequest) -> HttpResponse:
    if not selectors.can_read_pool(acting_user(request)):
        raise Forbidden("无权导出", "you may not export the classification")
    content = services.export_specialties()
    return _download(content, "specialties.xlsx", services.XLSX_CONTENT_TYPE)


@router.post("/specialties/import", response={201: ImportOut, 422: ImportOut})
def import_specialties(request: HttpRequest, file: File[UploadedFile]) -> Status[dict[str, Any]]:
    report = services.import_specialties(
        user=acting_user(request), file=file, ip=client_ip(request)
    )
    return _report(report)


@router.get("/export", response={200: None})
def export_experts(request: HttpRequest, query: Query[ExpertQuery]) -> HttpResponse:
    user = acting_user(request)
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
        user=acting_user(request), file=file, create_accounts=create_accounts, ip=client_ip(request)
    )
    return _report(report)
