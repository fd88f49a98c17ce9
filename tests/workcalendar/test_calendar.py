from collections.abc import Iterator
from datetime import date

import chinese_calendar
import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.test import Client

from ggzy.kernel.errors import RuleViolation
from ggzy.workcalendar import services
from ggzy.workcalendar.models import CalendarDay, CalendarYear

PACKAGE_YEARS = range(2004, max(chinese_calendar.holidays).year + 1)
PACKAGE_DAYS = len(chinese_calendar.holidays) + len(chinese_calendar.workdays)


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    # A rolled-back test transaction sends no post_delete, so clear around each test.
    services.clear_cache()
    yield
    services.clear_cache()


@pytest.mark.django_db
def test_migrate_seeded_the_package_years() -> None:
    years = set(CalendarYear.objects.values_list("year", flat=True))
    assert set(PACKAGE_YEARS) <= years
    assert CalendarDay.objects.count() >= PACKAGE_DAYS
    spring = CalendarDay.objects.get(date=date(2025, 1, 29))
    assert (spring.kind, spring.name) == (CalendarDay.Kind.HOLIDAY, "春节")
    adjusted = CalendarDay.objects.get(date=date(2025, 1, 26))
    assert (adjusted.kind, adjusted.name) == (CalendarDay.Kind.WORKDAY, "春节")
    assert CalendarYear.objects.get(year=2025).source == CalendarYear.Source.CHINESE_CALENDAR


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
def test_seeding_keeps_an_administrators_corrections() -> None:
    CalendarDay.objects.filter(date=date(2026, 10, 8)).delete()
    CalendarDay.objects.filter(date=date(2026, 10, 1)).update(name="国庆")
    services.seed_from_chinese_calendar()
    assert not CalendarDay.objects.filter(date=date(2026, 10, 8)).exists()
    assert CalendarDay.objects.get(date=date(2026, 10, 1)).name == "国庆"


@pytest.mark.django_db
def test_loaded_calendar_matches_the_package() -> None:
    calendar = services.load_calendar()
    assert calendar.known_years == frozenset(PACKAGE_YEARS)
    assert not calendar.is_workday(date(2026, 10, 1))
    assert calendar.is_workday(date(2026, 9, 30))
    assert calendar.add_workdays(date(2025, 9, 30), 1) == date(2025, 10, 9)
    assert services.load_calendar() is calendar  # cached


@pytest.mark.django_db
def test_2027_fails_until_an_administrator_enters_it() -> None:
    with pytest.raises(RuleViolation) as caught:
        services.load_calendar().add_workdays(date(2026, 12, 30), 3)
    assert caught.value.code == "calendar_unknown_year"
    assert "2027" in caught.value.message_zh

    year = CalendarYear.objects.create(year=2027, note="国办发明电〔2026〕")
    assert year.source == CalendarYear.Source.ADMIN
    CalendarDay.objects.create(
        calendar_year=year, date=date(2027, 1, 1), kind=CalendarDay.Kind.HOLIDAY, name="元旦"
    )
    calendar = services.load_calendar()
    # 31 Dec (Thu) is the 1st; New Year's Day (Fri) and the weekend are skipped.
    assert calendar.add_workdays(date(2026, 12, 30), 3) == date(2027, 1, 5)
    assert not calendar.is_workday(date(2027, 1, 1))

    CalendarDay.objects.create(
        calendar_year=year, date=date(2027, 1, 2), kind=CalendarDay.Kind.WORKDAY, name="元旦"
    )
    assert services.load_calendar().add_workdays(date(2026, 12, 30), 3) == date(2027, 1, 4)

    year.delete()
    with pytest.raises(RuleViolation):
        services.load_calendar().next_workday(date(2026, 12, 31))


@pytest.mark.django_db
def test_day_validation() -> None:
    year = CalendarYear.objects.create(year=2027)
    wrong_year = CalendarDay(
        calendar_year=year, date=date(2028, 1, 1), kind=CalendarDay.Kind.HOLIDAY, name="元旦"
    )
    with pytest.raises(ValidationError) as caught:
        wrong_year.full_clean()
    assert "date" in caught.value.message_dict
    weekday_worked = CalendarDay(
        calendar_year=year, date=date(2027, 2, 1), kind=CalendarDay.Kind.WORKDAY, name="春节"
    )
    with pytest.raises(ValidationError) as caught:
        weekday_worked.full_clean()
    assert "kind" in caught.value.message_dict
    saturday_worked = CalendarDay(
        calendar_year=year, date=date(2027, 2, 6), kind=CalendarDay.Kind.WORKDAY, name="春节"
    )
    saturday_worked.full_clean()


def test_admin_is_registered_in_chinese() -> None:
    assert admin.site.is_registered(CalendarYear)
    assert admin.site.is_registered(CalendarDay)
    assert str(CalendarYear._meta.verbose_name) == "日历年度"
    assert str(CalendarDay._meta.verbose_name) == "节假日或调休日"


@pytest.mark.django_db
def test_an_administrator_enters_2027_in_the_admin(admin_client: Client) -> None:
    page = admin_client.get("/admin/workcalendar/calendaryear/")
    assert page.status_code == 200
    assert "日历年度" in page.content.decode()
    response = admin_client.post(
        "/admin/workcalendar/calendaryear/add/",
        {
            "year": "2027",
            "note": "国务院办公厅关于2027年部分节假日安排的通知",
            "days-TOTAL_FORMS": "2",
            "days-INITIAL_FORMS": "0",
            "days-MIN_NUM_FORMS": "0",
            "days-MAX_NUM_FORMS": "1000",
            "days-0-date": "2027-01-01",
            "days-0-kind": "holiday",
            "days-0-name": "元旦",
            "days-1-date": "2027-01-02",
            "days-1-kind": "workday",
            "days-1-name": "元旦",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    year = CalendarYear.objects.get(year=2027)
    assert year.source == CalendarYear.Source.ADMIN
    assert year.days.count() == 2
    assert services.load_calendar().next_workday(date(2026, 12, 31)) == date(2027, 1, 2)


@pytest.mark.django_db
def test_the_admin_refuses_a_day_outside_its_year(admin_client: Client) -> None:
    response = admin_client.post(
        "/admin/workcalendar/calendaryear/add/",
        {
            "year": "2027",
            "days-TOTAL_FORMS": "1",
            "days-INITIAL_FORMS": "0",
            "days-MIN_NUM_FORMS": "0",
            "days-MAX_NUM_FORMS": "1000",
            "days-0-date": "2028-01-01",
            "days-0-kind": "holiday",
            "days-0-name": "元旦",
        },
    )
    assert response.status_code == 200
    assert "不在 2027 年内" in response.content.decode()
    assert not CalendarYear.objects.filter(year=2027).exists()
