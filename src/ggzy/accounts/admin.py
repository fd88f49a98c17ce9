from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ggzy.core.admin import ReadOnlyAdmin
from ggzy.core.http import bilingual
from ggzy.kernel.errors import DomainError

from . import services
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


class LoginFailureAdmin(AccessAttemptAdmin):
    """Axes' failed logins, released only through ``services.release_lockout`` (witnessed in
    the ledger): no deletion here, and no per-row lock status (a lock sums several rows)."""

    list_display = ["attempt_time", "username", "ip_address", "user_agent", "failures_since_start"]
    list_filter = ["attempt_time"]
    actions = ["release_accounts", "release_addresses"]

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def _release(self, request: HttpRequest, values: set[str], field: str) -> None:
        for value in sorted(values):
            try:
                services.release_lockout(
                    by=request.user,  # type: ignore[arg-type]
                    ip=request.META.get("REMOTE_ADDR"),
                    **{field: value},
                )
            except DomainError as exc:
                self.message_user(request, bilingual(exc), messages.WARNING)
            else:
                self.message_user(request, _("已解除锁定：%(value)s") % {"value": value})

    @admin.action(description=_("解除所选记录的账号锁定"))
    def release_accounts(self, request: HttpRequest, queryset: QuerySet[AccessAttempt]) -> None:
        names = {u for u in queryset.values_list("username", flat=True) if u}
        self._release(request, names, "username")

    @admin.action(description=_("解除所选记录的网络地址锁定"))
    def release_addresses(self, request: HttpRequest, queryset: QuerySet[AccessAttempt]) -> None:
        addresses = {a for a in queryset.values_list("ip_address", flat=True) if a}
        self._release(request, addresses, "ip_address")


if admin.site.is_registered(AccessAttempt):
    admin.site.unregister(AccessAttempt)
admin.site.register(AccessAttempt, LoginFailureAdmin)
