"""Back office (后台管理) for market entities. Reviews go through the review pages, which
write the ledger; here revisions and certificates are read-only."""

from __future__ import annotations

from django.contrib import admin

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
    raw_id_fields = ["user"]
    readonly_fields = ["created_at"]


@admin.register(MarketEntity)
class MarketEntityAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "uscc", "status", "version", "region", "created_at"]
    list_filter = ["kind", "status", "is_initiator", "is_agent", "is_respondent"]
    search_fields = ["name", "uscc", "contact_name"]
    # Status and version change only through review, which writes the ledger.
    readonly_fields = ["status", "version", "created_at", "updated_at", "approved_at"]
    inlines = [EntityUserInline]


@admin.register(EntityRevision)
class EntityRevisionAdmin(ReadOnlyAdmin):
    list_display = ["entity", "number", "status", "submitted_by", "submitted_at", "reviewed_by"]
    list_filter = ["status"]
    search_fields = ["entity__name", "entity__uscc"]


@admin.register(EntityUser)
class EntityUserAdmin(admin.ModelAdmin):
    list_display = ["user", "entity", "is_admin", "created_at"]
    raw_id_fields = ["user", "entity"]
    readonly_fields = ["created_at"]


@admin.register(Qualification)
class QualificationAdmin(admin.ModelAdmin):
    list_display = ["entity", "type", "level", "certificate_no", "valid_until", "approved"]
    list_filter = ["approved", "type"]
    search_fields = ["entity__name", "certificate_no"]
    readonly_fields = ["file_type", "file_size", "file_sha256", "approved", "created_at"]


@admin.register(StaffMember)
class StaffMemberAdmin(admin.ModelAdmin):
    list_display = ["entity", "name", "position", "certificate_no", "approved"]
    search_fields = ["entity__name", "name", "certificate_no"]
    readonly_fields = ["approved", "created_at"]


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ["subject_cn", "usage", "serial", "user", "entity", "not_after", "revoked_at"]
    list_filter = ["usage", "suite"]
    search_fields = ["subject_cn", "subject_serial_number", "serial", "fingerprint"]


@admin.register(CertChallenge)
class CertChallengeAdmin(ReadOnlyAdmin):
    list_display = ["purpose", "user", "created_at", "used_at"]
