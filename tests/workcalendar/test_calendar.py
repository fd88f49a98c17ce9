from datetime import date, timedelta

import chinese_calendar
import pytest
from django.contrib import admin

from ggzy.kernel import clock, provisional_calendar
from ggzy.kernel.errors import RuleViolation
from ggzy.workcalendar import services
from ggzy.workcalendar.models import CalendarDay, CalendarYear
from ggzy.workcalendar.periods import last_day, provisional_note

PACKAGE_YEARS = range(2004, max(chinese_calendar.holidays).year + 1)
PACKAGE_DAYS = len(chinese_calendar.holidays) + len(chinese_calendar.workdays)
FIRST_PROVISIONAL = PACKAGE_YEARS[-1] + 1


def _package_day(name: str, kind: str) -> date:
    """The last day the package gives ``name`` as a holiday (or adjusted working day)."""
    source = chinese_calendar.holidays if kind == "holiday" else chinese_calendar.workdays
    return max(d for d, english in source.items() if english == name)


@pytest.mark.django_db
def test_migrate_seeded_the_package_years() -> None:
    years = set(CalendarYear.objects.values_list("year", flat=True))
    assert set(PACKAGE_YEARS) <= years
    assert CalendarDay.objects.count() >= PACKAGE_DAYS
    spring = CalendarDay.objects.get(date=_package_day("Spring Festival", "holiday"))
    assert (spring.kind, spring.name) == (CalendarDay.Kind.HOLIDAY, "春节")
    adjusted = CalendarDay.objects.get(date=_package_day("Spring Festival", "workday"))
    assert (adjusted.kind, adjusted.name) == (CalendarDay.Kind.WORKDAY, "春节")
    assert CalendarYear.objects.get(year=PACKAGE_YEARS[-1]).source == "chinese_calendar"


@pytest.mark.django_db
def test_seeding_is_idempotent() -> None:
    CalendarYear.objects.all().delete()
    first = services.seed_from_chinese_calendar()
    assert first == services.SeedResult(len(PACKAGE_YEARS), 0, PACKAGE_DAYS)
    again = services.seed_from_chinese_calendar()
    assert again == services.SeedResult(0, len(PACKAGE_YEARS), 0)
    assert CalendarYear.objects.count() == len(PACKAGE_YEARS)
    assert CalendarDay.objects.count() == PACKAGE_DAYS


@pytest.mark.django_db
def test_the_years_after_the_official_ones_are_provisional_up_to_the_horizon(
    manual_clock: clock.ManualClock,
) -> None:
    calendar = services.load_calendar()
    horizon = clock.today().year + 3
    assert set(PACKAGE_YEARS) <= calendar.known_years
    assert calendar.provisional_years == set(range(FIRST_PROVISIONAL, horizon + 1))
    assert calendar.known_years == set(range(PACKAGE_YEARS[0], horizon + 1))
    assert services.load_calendar() is calendar  # cached
    last_national_day = _package_day("National Day", "holiday")
    assert not calendar.is_workday(last_national_day)
    with pytest.raises(RuleViolation) as caught:
        calendar.add_workdays(date(horizon, 12, 24), 10)
    assert caught.value.code == "calendar_unknown_year"
    assert str(horizon + 1) in caught.value.message_zh
    assert "ggzy calendar import" in caught.value.message_en


@pytest.mark.django_db
def test_the_horizon_follows_the_clock(manual_clock: clock.ManualClock) -> None:
    before = max(services.load_calendar().known_years)
    manual_clock.advance(timedelta(days=366))
    services.clear_cache()
    assert max(services.load_calendar().known_years) == before + 1


@pytest.mark.django_db
def test_a_provisional_year_rests_on_weekends_and_around_every_holiday() -> None:
    calendar = services.load_calendar()
    new_year = provisional_calendar.anchor("Spring Festival", FIRST_PROVISIONAL)
    for offset in range(-1, 3):
        assert not calendar.is_workday(new_year + timedelta(offset))
    saturdays = [date(FIRST_PROVISIONAL, 3, d) for d in range(1, 8)]
    assert not any(calendar.is_workday(d) for d in saturdays if d.weekday() == 5)
    assert calendar.is_provisional(new_year)
    assert not calendar.is_provisional(date(PACKAGE_YEARS[-1], 6, 1))


@pytest.mark.django_db
def test_a_period_counted_on_a_provisional_year_carries_the_note() -> None:
    official = date(PACKAGE_YEARS[-1], 6, 1)
    assert provisional_note(official, official + timedelta(days=10)) is None
    note = provisional_note(date(PACKAGE_YEARS[-1], 12, 28), date(FIRST_PROVISIONAL, 1, 8))
    assert note is not None
    assert note.years == (FIRST_PROVISIONAL,)
    assert "临时工作日历" in note.reason_zh
    assert "never shorter" in note.reason_en
    assert note.as_dict()["years"] == [FIRST_PROVISIONAL]


@pytest.mark.django_db
def test_last_day_counts_working_days_and_calendar_days() -> None:
    start = date(PACKAGE_YEARS[-1], 3, 2)
    assert last_day(
        "gp.challenge_max_working_days", start
    ) == services.load_calendar().add_workdays(start, 7)
    assert last_day("works.contract_max_days", start) == start + timedelta(days=30)
    assert last_day("gp.challenge_max_working_days", date(clock.today().year + 3, 12, 28)) is None


def test_admin_is_registered_in_chinese_and_read_only() -> None:
    assert admin.site.is_registered(CalendarYear)
    assert admin.site.is_registered(CalendarDay)
    assert str(CalendarYear._meta.verbose_name) == "日历年度"
    model_admin = admin.site._registry[CalendarYear]
    assert not model_admin.has_add_permission(None)  # type: ignore[arg-type]
    assert not model_admin.has_change_permission(None)  # type: ignore[arg-type]
    assert not model_admin.has_delete_permission(None)  # type: ignore[arg-type]
