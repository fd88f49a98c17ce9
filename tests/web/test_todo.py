"""The to-do type: overdue from the platform clock, the order of a list, the JSON shape."""

from datetime import timedelta

import pytest

from ggzy.kernel import clock, rules
from ggzy.workcalendar.services import load_calendar
from ggzy.workspace.todo import Deadline, Todo, in_order, todo


def item(kind: str, deadline: Deadline | None = None, rule: str | None = None) -> Todo:
    return Todo(kind, "中文", "English", "P-1", "项目", "/x/", deadline, rule)


def test_an_instant_is_overdue_once_it_has_passed(manual_clock: clock.ManualClock) -> None:
    due = clock.now() + timedelta(minutes=5)
    assert not item("a", due).overdue and item("a", due).remaining == timedelta(minutes=5)
    manual_clock.advance(timedelta(minutes=5))
    assert item("a", due).overdue


def test_a_day_runs_to_its_end_in_beijing(manual_clock: clock.ManualClock) -> None:
    today = clock.today()
    assert not item("a", today).overdue
    assert item("a", today).deadline_text == today.isoformat()
    assert item("a", today - timedelta(days=1)).overdue


def test_overdue_first_then_soonest_then_undated(manual_clock: clock.ManualClock) -> None:
    now = clock.now()
    listed = [
        item("undated"),
        item("later", now + timedelta(days=3)),
        item("late", now - timedelta(hours=1)),
        item("soon", clock.today()),
        item("later-day", clock.today() + timedelta(days=1)),
    ]
    order = [t.kind for t in in_order(listed)]
    assert order[0] == "late" and order[-1] == "undated"
    assert order.index("soon") < order.index("later-day") < order.index("later")


def test_json_has_iso_dates_and_the_rules_citation(manual_clock: clock.ManualClock) -> None:
    due = clock.now() + timedelta(days=2)
    data = item("a", due, rule="works.contract_max_days").as_dict()
    assert data["deadline"] == due.isoformat() and data["overdue"] is False
    assert data["citation_zh"] == rules.get("works.contract_max_days").citation_zh
    assert item("b", clock.today()).as_dict()["deadline"] == clock.today().isoformat()
    assert item("c").as_dict()["deadline"] is None and item("c").as_dict()["citation_zh"] == ""


@pytest.mark.django_db
def test_a_working_day_period_on_a_provisional_year_carries_its_note(
    manual_clock: clock.ManualClock,
) -> None:
    rule = "gp.deposit_refund_max_working_days"
    year = min(load_calendar().provisional_years)
    start = clock.today().replace(year=year, month=3, day=2)
    noted = todo("a", "甲", "a", code="", name="", link="/", deadline=start, rule=rule, since=start)
    assert noted.note is not None and year in noted.note["years"]
    plain = todo("a", "甲", "a", code="", name="", link="/", deadline=start, rule=rule)
    assert plain.note is None
