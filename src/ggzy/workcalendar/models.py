"""The working-day calendar: which years are known, and their holidays and 调休 days.

A year is known officially only when it has a ``CalendarYear`` row; its ``CalendarDay`` rows
list the exceptions to "Monday to Friday work, weekends rest". The years after the official
ones, up to a few years ahead, are known provisionally (``kernel.provisional_calendar``).
``services.load_calendar()`` turns both into a ``kernel.workdays.WorkCalendar``.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarYear(models.Model):
    class Source(models.TextChoices):
        CHINESE_CALENDAR = "chinese_calendar", _("chinese_calendar 软件包")
        ADMIN = "admin", _("管理员录入")

    year = models.PositiveSmallIntegerField(
        _("年份"),
        unique=True,
        validators=[MinValueValidator(1949), MaxValueValidator(2200)],
    )
    note = models.CharField(
        _("备注"),
        max_length=200,
        blank=True,
        help_text=_("例如国务院办公厅关于该年部分节假日安排的通知文号"),
    )
    source = models.CharField(
        _("数据来源"), max_length=20, choices=Source.choices, default=Source.ADMIN
    )
    imported_at = models.DateTimeField(_("录入时间"), null=True, blank=True)
    imported_by = models.CharField(_("录入人"), max_length=150, blank=True)
    # The open trades whose deadlines, counted on this official schedule, differ from what
    # was published on the provisional calendar: [{trade, what_zh, what_en, published, official,
    # link}]. Published deadlines are kept; centre staff see this list.
    affected = models.JSONField(_("期限与正式安排不同的交易"), default=list, blank=True)

    class Meta:
        verbose_name = _("日历年度")
        verbose_name_plural = _("日历年度")
        ordering: ClassVar = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("节假日（休息）")
        WORKDAY = "workday", _("调休上班日")

    calendar_year = models.ForeignKey(
        CalendarYear, on_delete=models.CASCADE, related_name="days", verbose_name=_("年度")
    )
    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    name = models.CharField(
        _("名称"), max_length=100, blank=True, help_text=_("例如：春节、国庆节")
    )

    class Meta:
        verbose_name = _("节假日或调休日")
        verbose_name_plural = _("节假日和调休日")
        ordering: ClassVar = ["date"]

    def __str__(self) -> str:
        return " ".join(filter(None, [self.date.isoformat(), self.name, self.get_kind_display()]))

    def clean(self) -> None:
        errors: dict[str, ValidationError] = {}
        if self.date and self.calendar_year_id and self.date.year != self.calendar_year.year:
            errors["date"] = wrong_year_error(self.date, self.calendar_year.year)
        if self.date and self.kind == self.Kind.WORKDAY and self.date.weekday() < 5:
            errors["kind"] = ValidationError(
                _("%(date)s 是周一至周五，本来就是工作日；调休上班日应为周六或周日"),
                code="calendar_workday_weekday",
                params={"date": self.date.isoformat()},
            )
        if errors:
            raise ValidationError(errors)


def wrong_year_error(day: date, year: int) -> ValidationError:
    return ValidationError(
        _("日期 %(date)s 不在 %(year)s 年内"),
        code="calendar_wrong_year",
        params={"date": day.isoformat(), "year": year},
    )
