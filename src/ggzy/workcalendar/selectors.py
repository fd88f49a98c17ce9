"""Reads of the working-day calendar for pages: each year's standing, the provisional
windows, and which open trades' deadlines differ from an official schedule entered later."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ggzy.accounts.models import STAFF_ROLES, User
from ggzy.kernel import clock, provisional_calendar

from .models import CalendarYear
from .services import load_calendar

# Who sees the trades whose deadlines differ: the centre that runs them, the administrator,
# and those who supervise them.


@dataclass(frozen=True)
class YearRow:
    year: int
    provisional: bool
    row: CalendarYear | None
    windows: list[provisional_calendar.Window]


def years_from_now() -> list[YearRow]:
    """This year and every later year the calendar covers, and any earlier provisional year,
    newest last."""
    calendar = load_calendar()
    rows = CalendarYear.objects.in_bulk(field_name="year")
    this_year = clock.today().year
    return [
        YearRow(
            year,
            year in calendar.provisional_years,
            rows.get(year),
            provisional_calendar.windows(year) if year in calendar.provisional_years else [],
        )
        for year in sorted(
            y for y in calendar.known_years if y >= this_year or y in calendar.provisional_years
        )
    ]


def affected_trades(user: User) -> list[dict[str, Any]]:
    """Per imported year, the open trades whose deadlines differ (for staff only)."""
    if not user.is_authenticated or user.role not in STAFF_ROLES:
        return []
    imported = CalendarYear.objects.exclude(imported_at=None).exclude(affected=[])
    return [
        {"year": y.year, "imported_at": y.imported_at, "trades": y.affected}
        for y in imported.order_by("-year")
    ]
