"""Admin (in Chinese) where an administrator enters a new year's holiday schedule.

Each autumn the State Council publishes next year's 节假日安排; an administrator adds the
year and, on the same page, its holidays and adjusted working days (调休上班日). Until then
any working-day computation that reaches that year fails with a clear error.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, Q, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ggzy.workcalendar.models import CalendarDay, CalendarYear, wrong_year_error

WEEKDAYS = (_("周一"), _("周二"), _("周三"), _("周四"), _("周五"), _("周六"), _("周日"))


class CalendarDayFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        """Each day must lie in the year; on the add page the year is not saved yet, so
        the model's own clean() cannot see it."""
        super().clean()
        year = self.instance.year
        for form in self.forms:
            data = getattr(form, "cleaned_data", {})
            day = data.get("date")
            if year and day and day.year != year and not data.get("DELETE"):
                form.add_error("date", wrong_year_error(day, year))


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    formset = CalendarDayFormSet
    fields = ("date", "kind", "name")
    extra = 3
    ordering = ("date",)


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ("year", "source", "holiday_count", "workday_count", "note")
    list_filter = ("source",)
    readonly_fields = ("source",)
    ordering = ("-year",)
    inlines = (CalendarDayInline,)

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


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "weekday", "kind", "name", "calendar_year")
    list_filter = ("kind", "calendar_year")
    search_fields = ("name",)
    date_hierarchy = "date"
    list_select_related = ("calendar_year",)

    @admin.display(description=_("星期"))
    def weekday(self, obj: CalendarDay) -> str:
        return str(WEEKDAYS[obj.date.weekday()])
