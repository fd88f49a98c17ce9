"""Admin (后台管理) for the catalogue, in Chinese.

Trade categories are reference data and are extended here (saved through
``services.save_category`` so each change is a ledger event; deactivate rather than
delete). Versions and items are shown read-only: they change only through the management
pages or the API, where the draft → publish rules hold.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from ggzy.accounts.models import User
from ggzy.core.admin import ReadOnlyAdmin
from ggzy.core.http import flash_error, form_error
from ggzy.kernel.errors import DomainError

from . import services
from .models import CatalogueItem, CatalogueVersion, TradeCategory


class TradeCategoryForm(forms.ModelForm):
    class Meta:
        model = TradeCategory
        fields = (
            "code",
            "name_zh",
            "name_en",
            "family",
            "sector",
            "description",
            "sort_order",
            "is_active",
        )

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        if self.errors:
            return data
        candidate = TradeCategory(pk=self.instance.pk, **{f: data.get(f) for f in self.Meta.fields})
        try:
            services.check_category(candidate)
        except DomainError as exc:
            form_error(self, exc)
        else:  # keep the normalised values (upper-case code, stripped text)
            data.update({f: getattr(candidate, f) for f in self.Meta.fields})
        return data


@admin.register(TradeCategory)
class TradeCategoryAdmin(admin.ModelAdmin):
    form = TradeCategoryForm
    list_display = ("code", "name_zh", "name_en", "family", "sector", "sort_order", "is_active")
    list_filter = ("family", "sector", "is_active")
    search_fields = ("code", "name_zh", "name_en")
    ordering = ("sort_order", "code")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: TradeCategory, form: Any, change: bool) -> None:
        user: User = request.user  # type: ignore[assignment]
        try:
            services.save_category(actor_user=user, category=obj)
        except DomainError as exc:  # checked in the form already; e.g. a user without rights
            flash_error(request, exc)


class CatalogueItemInline(admin.TabularInline):
    model = CatalogueItem
    fields = (
        "code",
        "name",
        "category",
        "must_enter",
        "entry_threshold",
        "voluntary_threshold",
        "supervising_industry",
        "procedure_families",
    )
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CatalogueVersion)
class CatalogueVersionAdmin(ReadOnlyAdmin):
    list_display = (
        "number",
        "title",
        "document_number",
        "status",
        "effective_from",
        "effective_to",
        "published_by",
        "manage_link",
    )
    list_filter = ("status",)
    search_fields = ("title", "document_number")
    inlines = [CatalogueItemInline]

    @admin.display(description=_("管理页面"))
    def manage_link(self, obj: CatalogueVersion) -> SafeString:
        url = reverse("catalogue:manage_version", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("打开"))


@admin.register(CatalogueItem)
class CatalogueItemAdmin(ReadOnlyAdmin):
    list_display = (
        "code",
        "name",
        "version",
        "category",
        "must_enter",
        "entry_threshold",
        "voluntary_threshold",
        "supervising_industry",
    )
    list_filter = ("version", "category__family", "must_enter", "supervising_industry")
    search_fields = ("code", "name", "name_en")
    list_select_related = ("version", "category")
