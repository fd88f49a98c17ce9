from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ggzy.kernel.errors import DomainError, InvalidInput, RuleViolation
from ggzy.kernel.workdays import WorkCalendar

CHINA = WorkCalendar(
    known_years=set(range(2004, 2027)),
    holidays=set(chinese_calendar.holidays),
    adjusted_workdays=set(chinese_calendar.workdays),
)


def test_weekdays_weekends_holidays_and_adjusted_days() -> None:
    assert CHINA.is_workday(date(2025, 9, 30))  # Tuesday
    assert not CHINA.is_workday(date(2025, 10, 1))  # National Day
    assert not CHINA.is_workday(date(2025, 10, 8))  # Wednesday inside the holiday
    assert CHINA.is_workday(date(2025, 9, 28))  # Sunday worked (调休)
    assert CHINA.is_workday(date(2025, 10, 11))  # Saturday worked (调休)
    assert not CHINA.is_workday(date(2025, 10, 12))  # ordinary Sunday


def test_add_workdays_counts_from_the_day_after() -> None:
    assert CHINA.add_workdays(date(2025, 9, 30), 0) == date(2025, 9, 30)
    assert CHINA.add_workdays(date(2025, 9, 30), 1) == date(2025, 10, 9)
    assert CHINA.add_workdays(date(2025, 9, 30), 3) == date(2025, 10, 11)
    assert CHINA.add_workdays(date(2025, 9, 30), 5) == date(2025, 10, 14)
    assert CHINA.add_workdays(date(2025, 10, 4), 0) == date(2025, 10, 4)  # not a workday


def test_workdays_between_counts_the_half_open_interval() -> None:
    assert CHINA.workdays_between(date(2025, 9, 30), date(2025, 9, 30)) == 0
    assert CHINA.workdays_between(date(2025, 9, 29), date(2025, 9, 30)) == 1
    assert CHINA.workdays_between(date(2025, 9, 30), date(2025, 10, 8)) == 0
    assert CHINA.workdays_between(date(2025, 9, 30), date(2025, 10, 13)) == 4


def test_next_workday_and_roll_forward() -> None:
    assert CHINA.next_workday(date(2025, 9, 30)) == date(2025, 10, 9)
    assert CHINA.next_workday(date(2025, 10, 9)) == date(2025, 10, 10)
    assert CHINA.roll_forward(date(2025, 10, 1)) == date(2025, 10, 9)
    assert CHINA.roll_forward(date(2025, 10, 9)) == date(2025, 10, 9)


def test_add_days_is_calendar_arithmetic() -> None:
    assert CHINA.add_days(date(2026, 12, 20), 20) == date(2027, 1, 9)
    assert CHINA.add_days(date(2025, 1, 1), -1) == date(2024, 12, 31)


def test_unknown_year_is_an_error_naming_the_year() -> None:
    with pytest.raises(RuleViolation) as caught:
        CHINA.add_workdays(date(2026, 12, 30), 3)
    err = caught.value
    assert err.code == "calendar_unknown_year"
    assert "2027年" in err.message_zh
    assert "管理员" in err.message_zh
    assert "2027" in err.message_en
    assert "administrator" in err.message_en


@pytest.mark.parametrize(
    "call",
    [
        lambda: CHINA.is_workday(date(2027, 1, 4)),
        lambda: CHINA.is_workday(date(2003, 12, 31)),
        lambda: CHINA.workdays_between(date(2026, 12, 1), date(2027, 1, 1)),
        lambda: CHINA.workdays_between(date(2003, 12, 31), date(2004, 1, 5)),
        lambda: CHINA.next_workday(date(2026, 12, 31)),
        lambda: CHINA.add_workdays(date(2027, 3, 1), 0),
    ],
)
def test_every_date_outside_the_known_years_fails(call: object) -> None:
    with pytest.raises(RuleViolation) as caught:
        call()  # type: ignore[operator]
    assert caught.value.code == "calendar_unknown_year"


def test_last_known_day_is_fine() -> None:
    assert CHINA.workdays_between(date(2026, 12, 30), date(2026, 12, 31)) == 1


def test_bad_arguments() -> None:
    with pytest.raises(InvalidInput) as caught:
        CHINA.add_workdays(date(2025, 1, 2), -1)
    assert caught.value.code == "calendar_negative"
    with pytest.raises(InvalidInput) as caught:
        CHINA.workdays_between(date(2025, 1, 2), date(2025, 1, 1))
    assert caught.value.code == "calendar_range"
    with pytest.raises(InvalidInput) as caught:
        WorkCalendar({2030}, {date(2030, 1, 5)}, {date(2030, 1, 5)})
    assert caught.value.code == "calendar_conflict"


def test_calendar_is_immutable_and_hashable() -> None:
    calendar = WorkCalendar({2030}, {date(2030, 1, 1)})
    assert calendar == WorkCalendar(frozenset({2030}), frozenset([date(2030, 1, 1)]))
    assert hash(calendar) == hash(WorkCalendar({2030}, {date(2030, 1, 1)}))
    with pytest.raises(AttributeError):
        calendar.known_years = frozenset({2031})  # type: ignore[misc]


# --- properties --------------------------------------------------------------------------

starts = st.dates(date(2004, 1, 1), date(2026, 8, 31))
counts = st.integers(0, 60)


@given(starts, counts)
def test_add_workdays_and_workdays_between_are_inverse(start: date, n: int) -> None:
    end = CHINA.add_workdays(start, n)
    assert CHINA.workdays_between(start, end) == n


@given(starts, st.dates(date(2004, 1, 1), date(2026, 12, 31)))
def test_counting_back_to_a_workday_finds_it(start: date, end: date) -> None:
    start, end = min(start, end), max(start, end)
    if CHINA.is_workday(end) or start == end:
        assert CHINA.add_workdays(start, CHINA.workdays_between(start, end)) == end


@given(starts, counts)
def test_results_are_workdays_and_skip_no_workday(start: date, n: int) -> None:
    end = CHINA.add_workdays(start, n + 1)
    assert CHINA.is_workday(end)
    previous = CHINA.add_workdays(start, n)
    days = [previous + timedelta(d) for d in range(1, (end - previous).days)]
    assert not any(CHINA.is_workday(d) for d in days)


@given(starts, starts, counts, counts)
def test_add_workdays_is_monotonic(a: date, b: date, m: int, n: int) -> None:
    (a, b), (m, n) = sorted([a, b]), sorted([m, n])
    assert CHINA.add_workdays(a, m) <= CHINA.add_workdays(b, m)
    assert CHINA.add_workdays(a, m) <= CHINA.add_workdays(a, n)
    if m < n:
        assert CHINA.add_workdays(a, m) < CHINA.add_workdays(a, n)


year_2030 = st.dates(date(2030, 1, 1), date(2030, 12, 31))


@st.composite
def calendars(draw: st.DrawFn) -> WorkCalendar:
    holidays = draw(st.sets(year_2030, max_size=60))
    adjusted = draw(st.sets(year_2030, max_size=20)) - holidays
    return WorkCalendar({2030, 2031}, holidays, adjusted)


@given(calendars(), st.dates(date(2030, 1, 1), date(2030, 12, 31)), st.integers(0, 40))
def test_properties_hold_for_any_calendar(calendar: WorkCalendar, start: date, n: int) -> None:
    end = calendar.add_workdays(start, n)
    assert calendar.workdays_between(start, end) == n
    if n:
        assert calendar.is_workday(end)
        assert end > start
    for day in calendar.adjusted_workdays:
        assert calendar.is_workday(day)
    for day in calendar.holidays:
        assert not calendar.is_workday(day)


@given(st.dates(date(2030, 12, 1), date(2030, 12, 31)), st.integers(30, 100))
def test_running_past_the_known_years_always_fails(start: date, n: int) -> None:
    calendar = WorkCalendar({2030})
    with pytest.raises(DomainError) as caught:
        calendar.add_workdays(start, n)
    assert caught.value.code == "calendar_unknown_year"
    assert "2031" in caught.value.message_zh
