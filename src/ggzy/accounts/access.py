"""Access by role, shared by every app: page guards and the centre staff's desk."""

from __future__ import annotations

from django.db.models import Q

from ggzy.core.http import requires

from .models import Role, User
from .selectors import is_centre_staff

CENTRE_ONLY = ("此页面仅供交易中心工作人员使用。", "this page is for trading-centre staff only")

centre_only = requires(is_centre_staff, *CENTRE_ONLY, code="centre_staff_only")

OVERSIGHT_ONLY = (
    "此页面仅供交易中心、行政监督和纪检审计人员使用。",
    "this page is for trading-centre staff, supervisors and discipline or audit users only",
)

EXPERTS_ONLY = (
    "此页面仅供评标评审专家本人使用。",
    "this page is for the expert themself only",
)


def centre_desk(user: User, field: str = "centre") -> Q | None:
    """The trades on a centre user's desk: its own centre's (``field`` is the lookup of the
    trade's centre); an administrator's desk holds every centre's. None for other roles."""
    if user.role == Role.ADMIN or user.is_superuser:
        return Q()
    if user.role == Role.CENTRE and user.organisation_id is not None:
        return Q(**{field: user.organisation_id})
    return None
