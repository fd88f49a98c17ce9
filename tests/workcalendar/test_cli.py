"""`ggzy calendar …`: the years, counting working days, the provisional rule as JSON, and
entering a schedule from a file (bad files refused with both languages, nothing written)."""

import json
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import pytest

from ggzy.cli import main
from ggzy.kernel import clock, provisional_calendar
from ggzy.workcalendar.models import CalendarYear

pytestmark = pytest.mark.django_db
LAST_OFFICIAL = max(chinese_calendar.holidays).year


def test_status_lists_official_and_provisional_years(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["calendar", "status"]) == 0
    out = capsys.readouterr().out
    assert f"{LAST_OFFICIAL}  正式 official" in out
    assert f"{LAST_OFFICIAL + 1}  临时 provisional" in out
    assert f"{clock.today().year + 3} 年以后不在工作日历范围内" in out


def test_add_says_whether_the_count_is_provisional(capsys: pytest.CaptureFixture[str]) -> None:
    start = date(LAST_OFFICIAL, 12, 20)
    assert main(["calendar", "add", start.isoformat(), "10"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert date.fromisoformat(lines[0]).year == LAST_OFFICIAL + 1
    assert lines[1].startswith("临时 provisional")
    assert main(["calendar", "add", date(LAST_OFFICIAL, 3, 2).isoformat(), "3"]) == 0
    assert "official schedule" in capsys.readouterr().out
    assert main(["calendar", "add", f"{clock.today().year + 3}-12-28", "10"]) == 1
    err = capsys.readouterr().err
    assert "不覆盖" in err and "does not cover" in err
    assert main(["calendar", "add", "next monday", "1"]) == 2


@pytest.mark.parametrize("year", [LAST_OFFICIAL, LAST_OFFICIAL + 1, LAST_OFFICIAL + 30])
def test_provisional_prints_the_rule_for_any_year(
    year: int, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["calendar", "provisional", str(year)]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["year"] == year
    assert body["rest_days"] == [d.isoformat() for d in provisional_calendar.rest_days(year)]
    assert {w["holiday"] for w in body["windows"]} >= {"春节", "国庆节", "劳动节"}
    expected = {LAST_OFFICIAL: "official", LAST_OFFICIAL + 1: "provisional"}
    assert body["this_year_is"] == expected.get(year, "not covered")


def test_import_enters_a_year_and_refuses_a_bad_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    year = LAST_OFFICIAL + 1
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"year": year, "source": "国办通知", "rest_days": ["not a date"]}))
    assert main(["calendar", "import", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "格式有误" in err and "malformed" in err
    assert not CalendarYear.objects.filter(year=year).exists()
    assert main(["calendar", "import", str(tmp_path / "missing.json")]) == 2

    new_year = provisional_calendar.anchor("Spring Festival", year)
    good = tmp_path / "good.json"
    rest = [(new_year + timedelta(days=n)).isoformat() for n in range(-1, 4)]
    good.write_text(json.dumps({"year": year, "source": "国办通知", "rest_days": rest}))
    assert main(["calendar", "import", str(good)]) == 0
    assert "schedule is entered" in capsys.readouterr().out
    assert CalendarYear.objects.get(year=year).imported_by.startswith("cli:")
