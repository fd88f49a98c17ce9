"""Entering a year's official schedule: from a file (the CLI), from the admin page; every bad
input is a clear error and nothing is half-written."""

import json
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import chinese_calendar
import pytest
from django.test import Client

from ggzy.core.models import LedgerEntry
from ggzy.kernel import provisional_calendar
from ggzy.kernel.errors import Conflict, InvalidInput
from ggzy.workcalendar import services
from ggzy.workcalendar.imports import import_schedule, parse_schedule
from ggzy.workcalendar.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db
LAST_OFFICIAL = max(chinese_calendar.holidays).year
YEAR = LAST_OFFICIAL + 1  # provisional on any clock of the next three years


def _weekend(year: int, month: int) -> date:
    day = date(year, month, 1)
    while day.weekday() != 5:
        day += timedelta(days=1)
    return day


def schedule(year: int = YEAR, **changes: Any) -> dict[str, Any]:
    """A plausible official schedule: the law's days, one bridge and one adjusted Saturday."""
    new_year = provisional_calendar.anchor("Spring Festival", year)
    data = {
        "year": year,
        "source": f"国务院办公厅关于{year}年部分节假日安排的通知",
        "rest_days": [
            {"date": date(year, 1, 1).isoformat(), "name": "元旦"},
            {
                "from": (new_year - timedelta(1)).isoformat(),
                "to": (new_year + timedelta(3)).isoformat(),
                "name": "春节",
            },
            {"from": date(year, 10, 1).isoformat(), "to": date(year, 10, 3).isoformat()},
        ],
        "workdays": [{"date": _weekend(year, 9).isoformat(), "name": "国庆节"}],
    }
    data.update(changes)
    return data


def _raw(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode()


def _state() -> tuple[int, int, int]:
    return CalendarYear.objects.count(), CalendarDay.objects.count(), LedgerEntry.objects.count()


def test_an_import_makes_the_year_official_and_is_witnessed() -> None:
    assert services.load_calendar().is_provisional(date(YEAR, 6, 1))
    saturday = _weekend(YEAR, 9)
    assert not services.load_calendar().is_workday(saturday)
    result = import_schedule(schedule=parse_schedule(_raw(schedule())), actor="user:1:admin")
    year = CalendarYear.objects.get(year=YEAR)
    assert (year.source, year.imported_by) == ("admin", "user:1:admin")
    assert year.imported_at is not None
    assert result.affected == []
    calendar = services.load_calendar()
    assert not calendar.is_provisional(date(YEAR, 6, 1))
    assert calendar.is_workday(saturday)  # the adjusted working day
    assert not calendar.is_workday(date(YEAR, 10, 2))
    entry = LedgerEntry.objects.filter(kind="calendar.imported").get()
    body = json.loads(entry.body)
    assert body["year"] == YEAR
    assert saturday.isoformat() in body["workdays"]


@pytest.mark.parametrize(
    ("raw", "code", "words"),
    [
        (b"{not json", "calendar_file_malformed", "JSON"),
        (b"[1, 2]", "calendar_file_malformed", "对象"),
        (_raw({**schedule(), "year": "next"}), "calendar_file_malformed", "year"),
        (_raw(schedule(source="")), "calendar_file_malformed", "source"),
        (_raw(schedule(rest_days="元旦")), "calendar_file_malformed", "列表"),
        (_raw(schedule(rest_days=[{"date": "first of May"}])), "calendar_file_malformed", "YYYY"),
        (_raw(schedule(rest_days=[{"name": "春节"}])), "calendar_file_malformed", "date"),
        (_raw(schedule(rest_days=[])), "calendar_file_malformed", "rest_days"),
        (
            _raw(schedule(rest_days=[{"from": f"{YEAR}-02-10", "to": f"{YEAR}-02-01"}])),
            "calendar_file_malformed",
            "范围",
        ),
        (_raw(schedule(rest_days=[f"{YEAR + 1}-01-01"])), "calendar_wrong_year", str(YEAR)),
        (
            _raw(
                schedule(
                    workdays=[_weekend(YEAR, 10).isoformat()],
                    rest_days=[_weekend(YEAR, 10).isoformat()],
                )
            ),
            "calendar_conflict",
            "既是休息日又是调休上班日",
        ),
        (
            _raw(schedule(workdays=[(_weekend(YEAR, 9) + timedelta(2)).isoformat()])),
            "calendar_workday_weekday",
            "周六或周日",
        ),
    ],
)
def test_bad_files_are_refused_and_nothing_is_written(raw: bytes, code: str, words: str) -> None:
    before = _state()
    with pytest.raises(InvalidInput) as caught:
        import_schedule(schedule=parse_schedule(raw), actor="cli:test")
    assert caught.value.code == code
    assert words in caught.value.message_zh + caught.value.message_en
    assert caught.value.message_en
    assert _state() == before


def test_a_year_that_is_already_official_is_refused() -> None:
    before = _state()
    with pytest.raises(Conflict) as caught:
        import_schedule(schedule=parse_schedule(_raw(schedule(LAST_OFFICIAL))), actor="cli:test")
    assert caught.value.code == "calendar_year_official"
    assert str(LAST_OFFICIAL) in caught.value.message_zh
    assert _state() == before
    import_schedule(schedule=parse_schedule(_raw(schedule())), actor="cli:test")
    with pytest.raises(Conflict):
        import_schedule(schedule=parse_schedule(_raw(schedule())), actor="cli:test")


def test_the_admin_enters_a_schedule_from_a_file(admin_client: Client, tmp_path: Path) -> None:
    page = admin_client.get("/admin/workcalendar/calendaryear/")
    assert "录入正式节假日安排" in page.content.decode()
    assert admin_client.get("/admin/workcalendar/calendaryear/add/").status_code == 403
    path = tmp_path / "schedule.json"
    path.write_bytes(_raw(schedule()))
    with path.open("rb") as f:
        response = admin_client.post("/admin/workcalendar/calendaryear/import/", {"file": f})
    assert response.status_code == 302, response.content.decode()[:2000]
    year = CalendarYear.objects.get(year=YEAR)
    assert year.imported_by.endswith(":admin")
    assert LedgerEntry.objects.filter(kind="calendar.imported").count() == 1


def test_the_admin_page_shows_a_bad_file_with_its_reason(
    admin_client: Client, tmp_path: Path
) -> None:
    path = tmp_path / "schedule.json"
    path.write_bytes(_raw(schedule(rest_days=[f"{YEAR + 1}-01-01"])))
    with path.open("rb") as f:
        response = admin_client.post("/admin/workcalendar/calendaryear/import/", {"file": f})
    assert response.status_code == 200
    assert f"不在 {YEAR} 年内" in response.content.decode()
    assert not CalendarYear.objects.filter(year=YEAR).exists()


def test_only_a_superuser_may_import(
    client: Client, verified_client: Callable[..., Client]
) -> None:
    from ggzy.accounts.models import Role, User

    staff = User.objects.create_user(username="centre", password="x-Centre-2026", role=Role.CENTRE)
    staff.is_staff = True
    staff.save()
    response = verified_client(staff).get("/admin/workcalendar/calendaryear/import/")
    assert response.status_code == 403
    assert client.get("/admin/workcalendar/calendaryear/import/").status_code == 302


def test_the_calendar_page_is_public(client: Client) -> None:
    page = client.get("/calendar/").content.decode()
    assert f'id="year-{YEAR}"' in page
    assert "临时工作日历" in page
    assert "春节" in page
