"""The working-day calendar: the seed from the holiday package, and the in-process cached
reader that adds the provisional years. Official schedules are entered by ``imports``."""

from __future__ import annotations

import threading
import time
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import chinese_calendar
from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from ggzy.kernel import clock, provisional_calendar
from ggzy.kernel.workdays import WorkCalendar
from ggzy.workcalendar.models import CalendarDay, CalendarYear

# Signals clear the cache in the process that saved; other processes (workers) notice an
# admin's change after at most this long.
CACHE_SECONDS = 300.0

_lock = threading.Lock()
_cached: tuple[float, CalendarState] | None = None


@dataclass(frozen=True)
class SeedResult:
    years_created: int
    years_existing: int  # already in the tables: left exactly as they are
    days_created: int


@dataclass(frozen=True)
class OfficialYear:
    holidays: frozenset[date]
    workdays: frozenset[date]
    imported_at: datetime | None  # None: seeded from the holiday package


@dataclass(frozen=True)
class CalendarState:
    """The official years as the tables hold them, and the calendar built from them."""

    official: dict[int, OfficialYear]
    calendar: WorkCalendar

    def with_provisional(self, years: Collection[int]) -> WorkCalendar:
        """The calendar as it was before ``years`` became official: provisional there."""
        return build_calendar(
            {y: o for y, o in self.official.items() if y not in years},
            provisional_horizon(),
            extra_provisional=years,
        )


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
    present is left exactly as it is, so an administrator's import survives every later
    ``migrate``.
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


def provisional_horizon() -> int:
    """The last year the provisional calendar covers: this year plus a few."""
    return clock.today().year + int(settings.GGZY_CALENDAR_PROVISIONAL_YEARS)


def build_calendar(
    official: dict[int, OfficialYear], horizon: int, *, extra_provisional: Collection[int] = ()
) -> WorkCalendar:
    """Official years as given; every other year from the first official one (or this year)
    to ``horizon``, and ``extra_provisional``, on the provisional rule."""
    first = min(official, default=clock.today().year)
    provisional = {y for y in range(first, horizon + 1) if y not in official} | set(
        extra_provisional
    )
    holidays: set[date] = set()
    workdays: set[date] = set()
    for known in official.values():
        holidays |= known.holidays
        workdays |= known.workdays
    for year in provisional:
        holidays |= provisional_calendar.holidays(year).keys()
    return WorkCalendar(
        known_years=set(official) | provisional,
        holidays=holidays,
        adjusted_workdays=workdays,
        provisional_years=provisional,
    )


def _read_official() -> dict[int, OfficialYear]:
    days: dict[int, tuple[set[date], set[date]]] = {}
    for year, day, kind in CalendarDay.objects.values_list("calendar_year__year", "date", "kind"):
        holidays, workdays = days.setdefault(year, (set(), set()))
        (holidays if kind == CalendarDay.Kind.HOLIDAY else workdays).add(day)
    return {
        year: OfficialYear(
            frozenset(days.get(year, ((), ()))[0]),
            frozenset(days.get(year, ((), ()))[1]),
            imported_at,
        )
        for year, imported_at in CalendarYear.objects.values_list("year", "imported_at")
    }


def calendar_state() -> CalendarState:
    """The official years and the calendar, cached in this process."""
    global _cached
    with _lock:
        if _cached is None or time.monotonic() - _cached[0] > CACHE_SECONDS:
            official = _read_official()
            state = CalendarState(official, build_calendar(official, provisional_horizon()))
            _cached = (time.monotonic(), state)
        return _cached[1]


def load_calendar() -> WorkCalendar:
    """The calendar, official years and provisional ones, cached in this process."""
    return calendar_state().calendar


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
