"""The expert API's router and the helpers its endpoints share: the caller, the client
address, and the output shapes of experts, invitations, appraisals, remuneration,
downloads and import reports."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from ninja import Router, Status

from ggzy.accounts.models import User
from ggzy.accounts.selectors import is_centre_staff
from ggzy.kernel.errors import Forbidden

from ...models import Appraisal, Expert, Invitation, Remuneration
from ...selectors import pool as selectors
from ...services import appraisal as appraisal_services
from ...services import pool as services

router = Router(tags=["experts 专家库"])

# --- helpers -----------------------------------------------------------------------------


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
