"""Reads over the pool, scoped to who asks (最小权限).

Centre staff, supervisors and oversight bodies read the whole pool (one pool per province);
an expert reads only their own record, invitations, appraisals and pay; nobody else reads
any of it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from ggzy.accounts.models import STAFF_ROLES, Region, Role, User
from ggzy.accounts.selectors import is_centre_staff
from ggzy.kernel.errors import Forbidden, NotFound

from ..models import (
    Appraisal,
    Expert,
    ExpertStatus,
    Invitation,
    Leave,
    ProfileChange,
    Remuneration,
    Sanction,
    Specialty,
)


def can_read_pool(user: User) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role in STAFF_ROLES))


def expert_of(user: User) -> Expert | None:
    if not user.is_authenticated or user.role != Role.EXPERT:
        return None
    return Expert.objects.select_related("region", "main_specialty").filter(user=user).first()


def experts_visible_to(user: User) -> QuerySet[Expert]:
    experts = Expert.objects.select_related("region", "main_specialty")
    if can_read_pool(user):
        return experts
    if user.is_authenticated and user.role == Role.EXPERT:
        return experts.filter(user=user)
    return experts.none()


def filter_experts(
    experts: QuerySet[Expert],
    *,
    specialty: str = "",
    status: str = "",
    region: str = "",
    q: str = "",
    pool: str = "",
) -> QuerySet[Expert]:
    """Specialty matches by code prefix in the main or other specialties (A08 finds
    A080101); region by code prefix (4301 finds every county of the city)."""
    if specialty:
        code = specialty.strip().upper()
        experts = experts.filter(
            Q(main_specialty__code__startswith=code) | Q(other_specialties__code__startswith=code)
        ).distinct()
    if status:
        experts = experts.filter(status=status)
    if region:
        code = region.strip()
        found = Region.objects.filter(code=code).first()
        experts = experts.filter(region__code__startswith=found.prefix if found else code)
    if q:
        experts = experts.filter(Q(name__contains=q.strip()) | Q(employer_name__contains=q.strip()))
    if pool == "comprehensive":
        experts = experts.filter(in_comprehensive_pool=True)
    elif pool == "procurement":
        experts = experts.filter(in_procurement_pool=True)
    return experts


def get_expert(user: User, expert_id: int) -> Expert:
    """One expert, or ``NotFound`` — also when the user may not see it."""
    expert = experts_visible_to(user).filter(pk=expert_id).first()
    if expert is None:
        raise NotFound(
            f"专家 {expert_id} 不存在或无权查看",
            f"no expert {expert_id}, or you may not see it",
            field="expert",
        )
    return expert


def mask_id(number: str) -> str:
    return f"{number[:6]}********{number[-4:]}" if len(number) == 18 else "****"


def specialties(*, active_only: bool = False) -> QuerySet[Specialty]:
    rows = Specialty.objects.all()
    return rows.filter(is_active=True) if active_only else rows


def leaves_of(expert: Expert) -> QuerySet[Leave]:
    return Leave.objects.filter(expert=expert).order_by("-start")


def sanctions_visible_to(user: User, expert: Expert | None = None) -> QuerySet[Sanction]:
    rows = Sanction.objects.select_related("expert", "author")
    if expert is not None:
        rows = rows.filter(expert=expert)
    if can_read_pool(user):
        return rows
    own = expert_of(user)
    return rows.filter(expert=own) if own is not None else rows.none()


def pending_changes(user: User) -> QuerySet[ProfileChange]:
    if not is_centre_staff(user):
        raise Forbidden(
            "只有交易中心工作人员才能查看审核队列", "only centre staff may see the review queue"
        )
    return (
        ProfileChange.objects.filter(status=ProfileChange.Status.PENDING)
        .select_related("expert")
        .order_by("submitted_at", "id")
    )


def changes_of(expert: Expert) -> QuerySet[ProfileChange]:
    return ProfileChange.objects.filter(expert=expert).order_by("-submitted_at", "-id")


def get_change(user: User, change_id: int) -> ProfileChange:
    change = ProfileChange.objects.select_related("expert").filter(pk=change_id).first()
    if change is None or not (
        is_centre_staff(user) or (change.expert.user_id and change.expert.user_id == user.pk)
    ):
        raise NotFound(f"变更申请 {change_id} 不存在", f"no profile change {change_id}")
    return change


def invitations_of(expert: Expert) -> QuerySet[Invitation]:
    """The expert's own invitations (read-only here; confirm/decline is the draw's)."""
    return (
        Invitation.objects.filter(expert=expert)
        .select_related("request", "venue")
        .order_by("-notified_at", "-id")
    )


def appraisals_visible_to(user: User, expert: Expert | None = None) -> QuerySet[Appraisal]:
    rows = Appraisal.objects.select_related("invitation__request", "invitation__expert")
    if expert is not None:
        rows = rows.filter(invitation__expert=expert)
    if can_read_pool(user):
        return rows.order_by("-created_at")
    own = expert_of(user)
    if own is not None:
        return rows.filter(invitation__expert=own).order_by("-created_at")
    return (
        rows.filter(author=user).order_by("-created_at") if user.is_authenticated else rows.none()
    )


def remunerations_visible_to(user: User, expert: Expert | None = None) -> QuerySet[Remuneration]:
    rows = Remuneration.objects.select_related("invitation__request", "invitation__expert")
    if expert is not None:
        rows = rows.filter(invitation__expert=expert)
    if can_read_pool(user):
        return rows.order_by("-created_at")
    own = expert_of(user)
    if own is not None:
        return rows.filter(invitation__expert=own).order_by("-created_at")
    return rows.none()


def workspace_context(user: User) -> dict[str, Any]:
    """What ``experts/_workspace.html`` shows; empty for roles that have nothing here."""
    if not user.is_authenticated:
        return {}
    if is_centre_staff(user):
        return {
            "experts_panel": "centre",
            "experts_active": Expert.objects.filter(status=ExpertStatus.ACTIVE).count(),
            "experts_pending_changes": ProfileChange.objects.filter(
                status=ProfileChange.Status.PENDING
            ).count(),
        }
    if can_read_pool(user):
        return {"experts_panel": "readonly"}
    own = expert_of(user)
    if own is not None:
        return {
            "experts_panel": "expert",
            "my_expert": own,
            "my_pending_invitations": Invitation.objects.filter(
                expert=own, status=Invitation.Status.PENDING
            ).count(),
        }
    return {}
