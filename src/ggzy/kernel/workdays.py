"""Working days (工作日) from an explicit holiday calendar, never from a guess.

A ``WorkCalendar`` knows a set of years completely: for each, the statutory holidays
(法定节假日, including the weekend days inside a holiday period) and the adjusted working
days (调休上班, weekend days worked to make up for a holiday). Monday to Friday are working
days unless listed as holidays; Saturday and Sunday are not unless listed as adjusted
working days. The State Council publishes each year's schedule in the preceding autumn; until an
administrator enters it, a year can be known provisionally (``provisional_years``, rest days
from ``kernel.provisional_calendar``: weekends and wide windows around every statutory
holiday), so periods counted on it are never shorter than on the official schedule, and
whatever shows such a period says it is provisional. Any computation that needs a date
outside the known years fails with ``calendar_unknown_year``.

Counting convention (statutory "within N working days from d", "N working days after d"):
the day d itself is not counted; counting starts the day after. So ``add_workdays(d, n)``
is the n-th working day after d, and ``workdays_between(start, end)`` counts the working
days in ``(start, end]``. The two are inverse: ``workdays_between(d, add_workdays(d, n))
== n``.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date, timedelta

from ggzy.kernel.errors import InvalidInput, RuleViolation

ONE_DAY = timedelta(days=1)


def unknown_year(year: int) -> RuleViolation:
    return RuleViolation(
        f"工作日历不覆盖{year}年（既无正式节假日安排，也超出临时工作日历的范围），无法计算"
        f"工作日；如国务院办公厅已公布{year}年节假日安排，请管理员录入（ggzy calendar import）",
        f"The working-day calendar does not cover {year} (no official holiday schedule, and "
        "beyond the provisional calendar's range), so working days cannot be computed; if "
        f"the {year} schedule is published, an administrator must enter it (ggzy calendar "
        "import)",
        code="calendar_unknown_year",
    )


@dataclass(frozen=True)
class WorkCalendar:
    """An immutable holiday calendar covering exactly ``known_years``; those of them in
    ``provisional_years`` are known only provisionally."""

    known_years: AbstractSet[int]
    holidays: AbstractSet[date] = frozenset()
    adjusted_workdays: AbstractSet[date] = frozenset()
    provisional_years: AbstractSet[int] = frozenset()

    def __post_init__(self) -> None:
        for name in ("known_years", "holidays", "adjusted_workdays", "provisional_years"):
            object.__setattr__(self, name, frozenset(getattr(self, name)))
        if not self.provisional_years <= self.known_years:
            raise ValueError("provisional years must be among the known years")
        both = self.holidays & self.adjusted_workdays
        if both:
            day = min(both).isoformat()
            raise InvalidInput(
                f"日期{day}不能既是节假日又是调休上班日",
                f"The date {day} cannot be both a holiday and an adjusted working day",
                code="calendar_conflict",
            )

    def require(self, day: date) -> date:
        """Return ``day`` if its year is known, else raise ``calendar_unknown_year``."""
        if day.year not in self.known_years:
            raise unknown_year(day.year)
        return day

    def is_provisional(self, day: date) -> bool:
        return day.year in self.provisional_years

    def provisional_between(self, *days: date) -> list[int]:
        """The provisional years from the earliest to the latest of ``days``: a period that
        spans them was counted, at least in part, on the provisional calendar."""
        if not days:
            return []
        return sorted(y for y in self.provisional_years if min(days).year <= y <= max(days).year)

    def is_workday(self, day: date) -> bool:
        self.require(day)
        if day in self.adjusted_workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def add_days(self, day: date, n: int) -> date:
        """``day`` plus ``n`` calendar days (any sign).

        Calendar-day periods need no holiday data, so this never consults the known years.
        """
        return day + timedelta(days=n)

    def add_workdays(self, day: date, n: int) -> date:
        """The n-th working day after ``day`` (``day`` itself is not counted).

        ``n == 0`` returns ``day`` unchanged, working day or not. ``n`` must not be
        negative.
        """
        if n < 0:
            raise InvalidInput(
                f"工作日数不能为负数（{n}）",
                f"The number of working days cannot be negative ({n})",
                code="calendar_negative",
            )
        current = self.require(day)
        # Terminates: every step moves forward, and a date past the known years raises.
        while n > 0:
            current += ONE_DAY
            n -= self.is_workday(current)
        return current

    def workdays_between(self, start: date, end: date) -> int:
        """How many working days lie in ``(start, end]``: after ``start``, up to ``end``."""
        if end < start:
            raise InvalidInput(
                f"结束日期{end.isoformat()}早于开始日期{start.isoformat()}",
                f"The end date {end.isoformat()} is before the start date {start.isoformat()}",
                code="calendar_range",
            )
        current = self.require(start)
        count = 0
        while current < end:
            current += ONE_DAY
            count += self.is_workday(current)
        return count

    def next_workday(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        return self.add_workdays(day, 1)

    def roll_forward(self, day: date) -> date:
        """``day`` if it is a working day, else the next one (a deadline on a holiday)."""
        return day if self.is_workday(day) else self.next_workday(day)
