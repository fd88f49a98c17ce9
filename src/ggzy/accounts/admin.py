from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from ggzy.core.admin import ReadOnlyAdmin

from .models import ApiToken, Organisation, Region, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "real_name", "role", "organisation", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("username", "real_name", "mobile")
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("平台信息"), {"fields": ("role", "organisation", "real_name", "mobile", "resident_id")}),
    )


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent")
    search_fields = ("code", "name")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "level", "region", "industry", "parent", "is_active")
    list_filter = ("kind", "level", "industry")
    search_fields = ("name",)


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ("name", "user", "prefix", "scopes", "expires_at", "revoked_at", "last_used_at")
