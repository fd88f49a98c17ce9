"""The provisional calendar is conservative by construction: on every year the holiday package
knows, its working days are a subset of the official ones, so no period counted on it is
shorter than on the official schedule."""

from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ggzy.kernel import provisional_calendar as provisional
from ggzy.kernel.workdays import WorkCalendar

PACKAGE_YEARS = range(min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year + 1)
FIRST, LAST = date(PACKAGE_YEARS[0], 1, 1), date(PACKAGE_YEARS[-1], 12, 31)

OFFICIAL = WorkCalendar(
    known_years=set(PACKAGE_YEARS),
    holidays=set(chinese_calendar.holidays),
    adjusted_workdays=set(chinese_calendar.workdays),
)
PROVISIONAL = WorkCalendar(
    known_years=set(PACKAGE_YEARS),
    holidays={d for y in PACKAGE_YEARS for d in provisional.holidays(y)},
    provisional_years=set(PACKAGE_YEARS),
)


def _days(year: int) -> list[date]:
    return [
        date(year, 1, 1) + timedelta(n)
        for n in range((date(year + 1, 1, 1) - date(year, 1, 1)).days)
    ]


@pytest.mark.parametrize("year", PACKAGE_YEARS)
def test_every_provisional_working_day_is_an_official_one(year: int) -> None:
    assert [
        d for d in _days(year) if PROVISIONAL.is_workday(d) and not OFFICIAL.is_workday(d)
    ] == []


@given(st.dates(FIRST, LAST))
def test_provisional_working_days_are_a_subset_of_the_official_ones(day: date) -> None:
    if PROVISIONAL.is_workday(day):
        assert OFFICIAL.is_workday(day)


@given(st.dates(FIRST, LAST - timedelta(days=120)), st.integers(0, 40))
def test_a_period_is_never_shorter_on_the_provisional_calendar(start: date, n: int) -> None:
    assert PROVISIONAL.add_workdays(start, n) >= OFFICIAL.add_workdays(start, n)
    end = OFFICIAL.add_workdays(start, n)
    assert PROVISIONAL.workdays_between(start, end) <= n


@given(st.integers(2027, 2099))
def test_weekends_and_the_statutory_days_are_rest_days(year: int) -> None:
    rest = set(provisional.rest_days(year))
    assert all(d in rest for d in _days(year) if d.weekday() >= 5)
    for holiday in provisional.HOLIDAYS:
        if not holiday.applies(year):
            continue
        anchor = provisional.anchor(holiday.key, year)
        for offset in holiday.statutory:
            day = anchor + timedelta(offset)
            if day.year == year:
                assert day in rest, (holiday.name_zh, day)


def test_the_lunar_anchors_agree_with_the_package() -> None:
    """Where the package gives a holiday only its own day (no bridge), that day is the anchor
    the lunar package computes: 中秋 and 端午 fall on a weekday in most years."""
    for key in ("Mid-autumn Festival", "Dragon Boat Festival", "Tomb-sweeping Day"):
        days = [d for d, name in chinese_calendar.holidays.items() if name == key]
        for year in PACKAGE_YEARS:
            found = [d for d in days if d.year == year]
            if found:
                anchor = provisional.anchor(key, year)
                assert min(found) - timedelta(3) <= anchor <= max(found) + timedelta(3), (key, year)


def test_spring_festival_window_holds_new_years_eve_to_the_third_day() -> None:
    year = PACKAGE_YEARS[-1] + 1
    new_year = provisional.anchor("Spring Festival", year)
    marked = provisional.holidays(year)
    for offset in (-1, 0, 1, 2):
        assert marked[new_year + timedelta(offset)] == "春节"


def test_victory_day_only_in_decade_anniversary_years() -> None:
    assert any(w.holiday.name_zh == "抗战胜利纪念日" for w in provisional.windows(2035))
    assert not any(w.holiday.name_zh == "抗战胜利纪念日" for w in provisional.windows(2036))


def test_a_window_starting_the_year_before_counts_there() -> None:
    year = PACKAGE_YEARS[-1] + 2
    first, _ = provisional.package_windows()["New Year's Day"]
    assert first < 0  # 2007-12-31 was part of the 2008 New Year holiday
    assert provisional.holidays(year - 1)[date(year - 1, 12, 31)] == "元旦"
    assert provisional.holidays(year)[date(year, 1, 1)] == "元旦"


def test_windows_from_an_unknown_holiday_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown holiday"):
        provisional.windows_from({date(2030, 3, 8): "Women's Day"})
