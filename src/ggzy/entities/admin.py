"""Back office (后台管理) for market entities: read-only. Registration, changes, users,
qualifications and staff go through the services (review pages, API), which check the
identifiers and write the ledger."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ggzy.core.admin import ReadOnlyAdmin

from .models import (
    CertChallenge,
    Certificate,
    EntityRevision,
    EntityUser,
    MarketEntity,
    Qualification,
    StaffMember,
)


class EntityUserInline(admin.TabularInline):
    model = EntityUser
    extra = 0
    can_delete = False
    readonly_fields = ["user", "is_admin", "created_at"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(MarketEntity)
class MarketEntityAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "uscc", "status", "version", "region", "created_at"]
    list_filter = ["kind", "status", "is_initiator", "is_agent", "is_respondent"]
    search_fields = ["name", "uscc", "contact_name"]
    inlines = [EntityUserInline]


@admin.register(EntityRevision)
class EntityRevisionAdmin(ReadOnlyAdmin):
    list_display = ["entity", "number", "status", "submitted_by", "submitted_at", "reviewed_by"]
    list_filter = ["status"]
    search_fields = ["entity__name", "entity__uscc"]


@admin.register(EntityUser)
class EntityUserAdmin(ReadOnlyAdmin):
    list_display = ["user", "entity", "is_admin", "created_at"]


@admin.register(Qualification)
class QualificationAdmin(ReadOnlyAdmin):
    list_display = ["entity", "type", "level", "certificate_no", "valid_until", "approved"]
    list_filter = ["approved", "type"]
    search_fields = ["entity__name", "certificate_no"]


@admin.register(StaffMember)
class StaffMemberAdmin(ReadOnlyAdmin):
    list_display = ["entity", "name", "position", "certificate_no", "approved"]
    search_fields = ["entity__name", "name", "certificate_no"]


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ["subject_cn", "usage", "serial", "user", "entity", "not_after", "revoked_at"]
    list_filter = ["usage", "suite"]
    search_fields = ["subject_cn", "subject_serial_number", "serial", "fingerprint"]


@admin.register(CertChallenge)
class CertChallengeAdmin(ReadOnlyAdmin):
    list_display = ["purpose", "user", "created_at", "used_at"]
