"""Who sees which draws. The drawn names are confidential until the result is public
(Tendering Law Art 37): centre staff, supervisors and oversight see them; an expert sees only
their own invitations; initiators, agents and bidders see nothing of a draw."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from ggzy.accounts.models import STAFF_ROLES, Role, User
from ggzy.accounts.selectors import is_centre_staff, region_prefix
from ggzy.kernel.errors import NotFound

from ..models import DrawRequest, Invitation, RandomnessParty, Venue


def requests_visible_to(user: User) -> QuerySet[DrawRequest]:
    if user.role not in STAFF_ROLES:
        return DrawRequest.objects.none()
    prefix = region_prefix(user) or ""
    scope = Q(centre__region__code__startswith=prefix)
    if user.role == Role.SUPERVISOR:
        org = user.organisation
        if org is None:
            return DrawRequest.objects.none()
        # Their own department's projects, and the industry they supervise in their region.
        scope &= Q(supervisor=org) | Q(supervisor__industry=org.industry)
    return DrawRequest.objects.filter(scope).select_related("centre", "supervisor", "main_venue")


def can_run_evaluation(user: User, request: DrawRequest) -> bool:
    """Centre staff of the request's own centre (or an administrator): they run the
    evaluation the draw is for, may read its sealed list and appraise and pay its experts."""
    if not is_centre_staff(user):
        return False
    return user.role == Role.ADMIN or user.is_superuser or user.organisation_id == request.centre_id


def get_request(user: User, request_id: int) -> DrawRequest:
    request = requests_visible_to(user).filter(pk=request_id).first()
    if request is None:
        raise NotFound("抽取申请不存在或无权查看", "no such draw request, or not yours to see")
    return request


def invitations_of(user: User) -> QuerySet[Invitation]:
    return Invitation.objects.filter(expert__user=user).select_related("request", "venue")


def invitation_of(user: User, invitation_id: int) -> Invitation:
    invitation = invitations_of(user).filter(pk=invitation_id).first()
    if invitation is None:
        raise NotFound("没有这条抽取通知", "no such invitation")
    return invitation


def venues() -> QuerySet[Venue]:
    return Venue.objects.filter(is_active=True).order_by("pk")


def parties() -> QuerySet[RandomnessParty]:
    return RandomnessParty.objects.select_related("organisation").order_by("pk")
