"""Reads scoped to what a user may see (最小权限)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import ApiToken, Organisation, Role, User


def region_prefix(user: User) -> str | None:
    """The region-code prefix a staff user's view is limited to; None for entity users."""
    if user.role == Role.ADMIN or user.is_superuser:
        return ""
    if user.organisation is None:
        return None
    return user.organisation.region.prefix


def organisations_visible_to(user: User) -> QuerySet[Organisation]:
    prefix = region_prefix(user)
    if prefix is None:
        return Organisation.objects.filter(is_active=True, kind=Organisation.Kind.CENTRE)
    scope = Q(region__code__startswith=prefix)
    if user.organisation is not None:
        # Staff also see the bodies above them (the provincial centre, say).
        scope |= Q(pk__in=_ancestors(user.organisation))
    return Organisation.objects.filter(scope).select_related("region")


def _ancestors(org: Organisation) -> list[int]:
    ids: list[int] = []
    node = org.parent
    while node is not None:
        ids.append(node.pk)
        node = node.parent
    return ids


def tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def is_administrator(user: User) -> bool:
    """The platform's administrators (系统管理员): they release login locks, among others."""
    return user.is_authenticated and (user.role == Role.ADMIN or user.is_superuser)


def is_centre_staff(user: User) -> bool:
    return user.is_authenticated and user.role in {Role.CENTRE, Role.ADMIN}


def is_provincial_centre_staff(user: User) -> bool:
    if user.role == Role.ADMIN:
        return True
    org = user.organisation
    return (
        user.role == Role.CENTRE
        and org is not None
        and org.kind == Organisation.Kind.CENTRE
        and org.level == "province"
    )
