"""Admin (in Chinese) where an administrator enters a year's official holiday schedule.

Each autumn the State Council publishes next year's 节假日安排. Until it is entered the year
is counted on the provisional calendar. The years and days are read-only here: the only way
in is "录入正式节假日安排", which calls the same service as ``ggzy calendar import`` (checks,
ledger entry, nothing half-written).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _

from ggzy.core.http import bilingual
from ggzy.kernel.errors import DomainError

from .imports import import_schedule, parse_schedule
from .models import CalendarDay, CalendarYear

WEEKDAYS = (_("周一"), _("周二"), _("周三"), _("周四"), _("周五"), _("周六"), _("周日"))


class ReadOnly:
    """Rows change only through the import service."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CalendarDayInline(ReadOnly, admin.TabularInline):
    model = CalendarDay
    fields = ("date", "kind", "name")
    ordering = ("date",)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("节假日安排文件（JSON）"),
        help_text=_(
            '格式：{"year": 2027, "source": "国务院办公厅通知文号", "rest_days": [{"from": '
            '"2027-02-05", "to": "2027-02-11", "name": "春节"}, …], "workdays": [{"date": '
            '"2027-02-14", "name": "春节"}]}；可先用 ggzy calendar provisional 年份 查看临时日历'
        ),
    )


@admin.register(CalendarYear)
class CalendarYearAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("year", "source", "holiday_count", "workday_count", "note", "imported_at")
    list_filter = ("source",)
    ordering = ("-year",)
    inlines = (CalendarDayInline,)
    change_list_template = "admin/workcalendar/calendaryear/change_list.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[CalendarYear]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                holidays=Count("days", filter=Q(days__kind=CalendarDay.Kind.HOLIDAY)),
                workdays=Count("days", filter=Q(days__kind=CalendarDay.Kind.WORKDAY)),
            )
        )

    @admin.display(description=_("节假日天数"), ordering="holidays")
    def holiday_count(self, obj: CalendarYear) -> int:
        return int(getattr(obj, "holidays", 0))

    @admin.display(description=_("调休上班天数"), ordering="workdays")
    def workday_count(self, obj: CalendarYear) -> int:
        return int(getattr(obj, "workdays", 0))

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="workcalendar_calendaryear_import",
            )
        ]
        return own + super().get_urls()

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_superuser:
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                result = import_schedule(
                    schedule=parse_schedule(form.cleaned_data["file"].read()),
                    actor=request.user.actor,
                )
            except DomainError as exc:
                form.add_error("file", bilingual(exc))
            else:
                messages.success(
                    request,
                    _("%(year)s 年正式节假日安排已录入；期限不同的进行中交易：%(n)s 个")
                    % {"year": result.year.year, "n": len(result.affected)},
                )
                return HttpResponseRedirect(
                    reverse("admin:workcalendar_calendaryear_change", args=[result.year.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "title": _("录入正式节假日安排"),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/workcalendar/calendaryear/import.html", context)


@admin.register(CalendarDay)
class CalendarDayAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("date", "weekday", "kind", "name", "calendar_year")
    list_filter = ("kind", "calendar_year")
    search_fields = ("name",)
    date_hierarchy = "date"
    list_select_related = ("calendar_year",)

    @admin.display(description=_("星期"))
    def weekday(self, obj: CalendarDay) -> str:
        return str(WEEKDAYS[obj.date.weekday()])
