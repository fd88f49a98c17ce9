"""Back office (后台管理) for the expert pool, read-only but for the venues: the
classification (imported on the pool pages), experts, sanctions, appraisals and draw records
change only through the services, which write the ledger."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ggzy.core.admin import ReadOnlyAdmin

from .models import (
    Appraisal,
    DrawAttempt,
    DrawRequest,
    Expert,
    Invitation,
    Leave,
    ProfileChange,
    RandomnessParty,
    Remuneration,
    Sanction,
    Specialty,
    Venue,
)


@admin.register(Specialty)
class SpecialtyAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "level", "parent", "is_active"]
    list_filter = ["level", "is_active"]
    search_fields = ["code", "name"]


class LeaveInline(admin.TabularInline):
    model = Leave
    extra = 0
    can_delete = False
    readonly_fields = ["start", "end", "reason"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Expert)
class ExpertAdmin(admin.ModelAdmin):
    list_display = ["name", "employer_name", "title", "main_specialty", "region", "status"]
    list_filter = ["status", "in_comprehensive_pool", "in_procurement_pool"]
    search_fields = ["name", "employer_name", "employer_uscc"]
    raw_id_fields = ["user", "main_specialty", "region"]
    filter_horizontal = ["other_specialties"]
    # Status changes go through sanctions (ledger); profile edits through the pool pages.
    readonly_fields = ["status", "status_reason", "status_document", "status_until"]
    inlines = [LeaveInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ["name", "centre", "region", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]


@admin.register(RandomnessParty)
class RandomnessPartyAdmin(ReadOnlyAdmin):
    list_display = ["name", "organisation", "alg", "length", "next_index", "is_active"]


@admin.register(DrawRequest)
class DrawRequestAdmin(ReadOnlyAdmin):
    list_display = ["project_code", "lot_name", "mode", "committee_size", "status", "opening_at"]
    list_filter = ["status", "mode"]
    search_fields = ["project_code", "lot_name"]


@admin.register(DrawAttempt)
class DrawAttemptAdmin(ReadOnlyAdmin):
    list_display = ["request", "number", "supplementary", "status", "started_at", "drawn_at"]
    list_filter = ["status", "supplementary"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["request", "status", "signed_in_at", "seat", "is_chair", "replaced_at"]
    list_filter = ["status", "is_chair"]


@admin.register(ProfileChange)
class ProfileChangeAdmin(ReadOnlyAdmin):
    list_display = ["expert", "status", "submitted_at", "reviewed_by", "reviewed_at"]
    list_filter = ["status"]


@admin.register(Sanction)
class SanctionAdmin(ReadOnlyAdmin):
    list_display = ["expert", "kind", "document", "start", "until", "author", "created_at"]
    list_filter = ["kind"]
    search_fields = ["expert__name", "document"]


@admin.register(Appraisal)
class AppraisalAdmin(ReadOnlyAdmin):
    list_display = ["invitation", "by", "attitude", "discipline", "professional", "confidentiality"]
    list_filter = ["by"]


@admin.register(Remuneration)
class RemunerationAdmin(ReadOnlyAdmin):
    list_display = ["invitation", "hours", "amount", "created_at", "exported_at"]
