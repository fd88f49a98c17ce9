"""The only write path of the working-day calendar, and the in-process cached reader."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import date
from typing import Any

import chinese_calendar
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from ggzy.kernel.workdays import WorkCalendar
from ggzy.workcalendar.models import CalendarDay, CalendarYear

# Signals clear the cache in the process that saved; other processes (workers) notice an
# admin's change after at most this long.
CACHE_SECONDS = 300.0

_lock = threading.Lock()
_cached: tuple[float, WorkCalendar] | None = None


@dataclass(frozen=True)
class SeedResult:
    years_created: int
    years_existing: int  # already in the tables: left exactly as they are
    days_created: int


def _holiday_name(english: str) -> str:
    try:
        return str(chinese_calendar.Holiday(english).chinese)
    except ValueError:
        return english


def _package_days() -> dict[int, list[tuple[date, str, str]]]:
    """{year: [(date, kind, name)]} from the chinese_calendar package."""
    by_year: dict[int, list[tuple[date, str, str]]] = {}
    for source, kind in (
        (chinese_calendar.holidays, CalendarDay.Kind.HOLIDAY),
        (chinese_calendar.workdays, CalendarDay.Kind.WORKDAY),
    ):
        for day, english in source.items():
            by_year.setdefault(day.year, []).append((day, kind, _holiday_name(english)))
    return by_year


def seed_from_chinese_calendar(*, using: str = "default") -> SeedResult:
    """Load every year the chinese_calendar package knows; safe to run again.

    Only years missing from the tables are added, with all their days. A year already
    present is left exactly as it is, so an administrator's corrections (added, changed or
    deleted days) survive every later ``migrate``.
    """
    by_year = _package_days()
    version = getattr(chinese_calendar, "__version__", "")
    with transaction.atomic(using=using):
        existing = set(CalendarYear.objects.using(using).values_list("year", flat=True))
        missing = [y for y in range(min(by_year), max(by_year) + 1) if y not in existing]
        years = CalendarYear.objects.using(using).bulk_create(
            CalendarYear(
                year=year,
                source=CalendarYear.Source.CHINESE_CALENDAR,
                note=f"chinese_calendar {version}".strip(),
            )
            for year in missing
        )
        # Re-read: bulk_create does not set primary keys on every database backend.
        by_number = CalendarYear.objects.using(using).in_bulk(
            [y.year for y in years], field_name="year"
        )
        days = CalendarDay.objects.using(using).bulk_create(
            CalendarDay(calendar_year=by_number[year], date=day, kind=kind, name=name)
            for year in missing
            for day, kind, name in by_year.get(year, [])
        )
    clear_cache()  # bulk_create sends no post_save
    return SeedResult(len(missing), len(existing), len(days))


def _build_calendar() -> WorkCalendar:
    years = CalendarYear.objects.values_list("year", flat=True)
    days = CalendarDay.objects.values_list("date", "kind")
    return WorkCalendar(
        known_years=set(years),
        holidays={d for d, kind in days if kind == CalendarDay.Kind.HOLIDAY},
        adjusted_workdays={d for d, kind in days if kind == CalendarDay.Kind.WORKDAY},
    )


def load_calendar() -> WorkCalendar:
    """The calendar from the tables, cached in this process."""
    global _cached
    with _lock:
        if _cached is None or time.monotonic() - _cached[0] > CACHE_SECONDS:
            _cached = (time.monotonic(), _build_calendar())
        return _cached[1]


def clear_cache() -> None:
    global _cached
    with _lock:
        _cached = None


@receiver(post_save, sender=CalendarYear, dispatch_uid="workcalendar_year_saved")
@receiver(post_delete, sender=CalendarYear, dispatch_uid="workcalendar_year_deleted")
@receiver(post_save, sender=CalendarDay, dispatch_uid="workcalendar_day_saved")
@receiver(post_delete, sender=CalendarDay, dispatch_uid="workcalendar_day_deleted")
def _calendar_changed(**kwargs: Any) -> None:
    # Clear now for this thread, and again at commit so that another thread which reloaded
    # meanwhile (seeing the old rows) does not keep them.
    clear_cache()
    transaction.on_commit(clear_cache, using=kwargs.get("using"))
