"""The provisional rest days of a year whose official schedule is not known yet (临时工作日历).

The State Council's General Office publishes each year's holiday schedule (节假日安排) in the
preceding autumn, sometimes as late as November. Until it is entered, ggzy counts working days
on a provisional calendar that is conservative by construction:

- Saturdays and Sundays are rest days; no adjusted working day (调休上班日) is assumed.
- Around each statutory holiday of 《全国年节及纪念日放假办法》 (2024 revision, in force since
  2025-01-01) a window of days is a rest window. The window starts from the holiday's own
  statutory days and is widened to cover every day that any official schedule the holiday
  package knows (``chinese_calendar``, 2004 onwards) has ever given that holiday, measured
  from the holiday's anchor: 1 January, 正月初一, the 清明 solar term, 1 May, 端午 (五月初五),
  中秋 (八月十五) and 1 October.

So every provisional working day is a working day in every known official schedule shape, and
a period of N working days counted on the provisional calendar ends no earlier than on the
official one. Lunar dates and the 清明 solar term come from ``lunar_python``.

One-off commemorative days off (9月3日 Victory Day in 2015, the 70th anniversary) are covered
the same way: a window around 3 September in every decade anniversary year (1945 + 10k).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import chinese_calendar
from lunar_python import Lunar, Solar


def _solar(solar: Solar) -> date:
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


def _lunar(month: int, day: int) -> Callable[[int], date]:
    return lambda year: _solar(Lunar.fromYmd(year, month, day).getSolar())


def _qingming(year: int) -> date:
    # The lunar year that starts in this Gregorian year holds this year's 清明 (early April).
    return _solar(Lunar.fromYmd(year, 1, 1).getJieQiTable()["清明"])


def _fixed(month: int, day: int) -> Callable[[int], date]:
    return lambda year: date(year, month, day)


def _every_year(year: int) -> bool:
    return True


def _victory_decade(year: int) -> bool:
    return year > 1945 and (year - 1945) % 10 == 0


@dataclass(frozen=True)
class Holiday:
    """A holiday, where it falls in a year, and the days the law itself gives it."""

    key: str  # the holiday's name in chinese_calendar
    name_zh: str
    name_en: str
    anchor: Callable[[int], date]
    statutory: tuple[int, ...]  # the law's days, as offsets from the anchor
    applies: Callable[[int], bool] = _every_year


HOLIDAYS: tuple[Holiday, ...] = (
    Holiday("New Year's Day", "元旦", "New Year's Day", _fixed(1, 1), (0,)),
    # 农历除夕、正月初一至初三 (the eve is the day before 正月初一 whatever the month's length).
    Holiday("Spring Festival", "春节", "Spring Festival", _lunar(1, 1), (-1, 0, 1, 2)),
    Holiday("Tomb-sweeping Day", "清明节", "Qingming Festival", _qingming, (0,)),
    Holiday("Labour Day", "劳动节", "Labour Day", _fixed(5, 1), (0, 1)),
    Holiday("Dragon Boat Festival", "端午节", "Dragon Boat Festival", _lunar(5, 5), (0,)),
    Holiday("Mid-autumn Festival", "中秋节", "Mid-Autumn Festival", _lunar(8, 15), (0,)),
    Holiday("National Day", "国庆节", "National Day", _fixed(10, 1), (0, 1, 2)),
    Holiday(
        "Anti-Fascist 70th Day",
        "抗战胜利纪念日",
        "Victory Day (anniversary)",
        _fixed(9, 3),
        (),
        _victory_decade,
    ),
)
_BY_KEY = {holiday.key: holiday for holiday in HOLIDAYS}


@dataclass(frozen=True)
class Window:
    """A rest window of one holiday in one year."""

    holiday: Holiday
    first: date
    last: date

    def days(self) -> Iterable[date]:
        day = self.first
        while day <= self.last:
            yield day
            day += timedelta(days=1)


@cache
def anchor(key: str, year: int) -> date:
    """Where the holiday falls in ``year`` (lunar dates are slow to compute: kept)."""
    return _BY_KEY[key].anchor(year)


def _offset(holiday: Holiday, day: date) -> int:
    """How far ``day`` lies from the holiday's nearest anchor (this, last or next year's)."""
    return min(
        ((day - anchor(holiday.key, y)).days for y in (day.year - 1, day.year, day.year + 1)),
        key=abs,
    )


def windows_from(official: Mapping[date, str]) -> dict[str, tuple[int, int]]:
    """Each holiday's window as (first, last) offsets from its anchor: its statutory days and
    every day in ``official`` (date → chinese_calendar holiday name) given to it."""
    offsets: dict[str, set[int]] = {h.key: set(h.statutory) for h in HOLIDAYS}
    for day, key in official.items():
        holiday = _BY_KEY.get(key)
        if holiday is None:
            raise ValueError(f"unknown holiday {key!r} on {day.isoformat()}")
        offsets[key].add(_offset(holiday, day))
    return {key: (min(found), max(found)) for key, found in offsets.items() if found}


@cache
def package_windows() -> dict[str, tuple[int, int]]:
    """The windows that cover every official schedule in the installed holiday package."""
    return windows_from(chinese_calendar.holidays)


def windows(year: int) -> list[Window]:
    """The rest windows that touch ``year``, in date order (a window may start the year
    before, as the New Year window can)."""
    return list(_windows(year))


@cache
def _windows(year: int) -> tuple[Window, ...]:
    found = []
    for holiday in HOLIDAYS:
        span = package_windows().get(holiday.key)
        if span is None:
            continue
        for anchor_year in (year - 1, year, year + 1):
            if not holiday.applies(anchor_year):
                continue
            day = anchor(holiday.key, anchor_year)
            first, last = day + timedelta(days=span[0]), day + timedelta(days=span[1])
            if first.year <= year <= last.year:
                found.append(Window(holiday, first, last))
    return tuple(sorted(found, key=lambda w: w.first))


def holidays(year: int) -> dict[date, str]:
    """The provisional holidays of ``year`` (date → Chinese name), weekends inside the
    windows included; the ordinary weekends are rest days anyway."""
    days: dict[date, str] = {}
    for window in windows(year):
        for day in window.days():
            if day.year == year:
                days.setdefault(day, window.holiday.name_zh)
    return dict(sorted(days.items()))


def rest_days(year: int) -> list[date]:
    """Every day of ``year`` that is not a working day on the provisional calendar."""
    marked = holidays(year)
    day, end, found = date(year, 1, 1), date(year, 12, 31), []
    while day <= end:
        if day.weekday() >= 5 or day in marked:
            found.append(day)
        day += timedelta(days=1)
    return found
