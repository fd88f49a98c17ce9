"""The calendar's to-dos, gathered by the workspace: centre staff check the trades whose
deadlines differ from an official schedule entered after they were published (only trades
they may see); the administrator enters each year still on the provisional calendar."""

from __future__ import annotations

import pytest

from ggzy.accounts.models import Role, User
from ggzy.kernel import clock
from ggzy.web.selectors import calendar_todos
from ggzy.workcalendar.models import CalendarYear
from ggzy.workcalendar.services import load_calendar

from ..fixtures.tendering import World
from ..fixtures.todos import outsider
from ..tendering.flow import ok, register

pytestmark = pytest.mark.django_db


def test_centre_staff_check_the_trades_an_official_schedule_changed(world: World) -> None:
    project = ok(register(world), 201)["project"]
    affected = {
        "trade": project["code"],
        "title": project["name"],
        "what_zh": "招标文件提供期",
        "what_en": "document availability period",
        "link": f"/tendering/projects/{project['id']}/",
    }
    elsewhere = affected | {"trade": "NOT-VISIBLE-1", "link": "/x/"}
    first = CalendarYear.objects.order_by("year").values_list("year", flat=True).first()
    year = (first or clock.today().year) - 1
    CalendarYear.objects.create(year=year, imported_at=clock.now(), affected=[affected, elsewhere])
    (item,) = calendar_todos(world.centre_staff)
    assert item.kind == "workcalendar.affected" and item.code == project["code"]
    assert item.link == affected["link"] and str(year) in item.title_zh
    assert calendar_todos(outsider(Role.CENTRE)) == []
    assert calendar_todos(world.supervisor) == []
    assert calendar_todos(world.agent.user) == []


def test_the_administrator_enters_each_provisional_year(world: World, admin_user: User) -> None:
    years = sorted(load_calendar().provisional_years)
    entered = [t for t in calendar_todos(admin_user) if t.kind == "workcalendar.enter_year"]
    assert [t.code for t in entered] == [str(y) for y in years]
    assert {t.link for t in entered} == {"/admin/workcalendar/calendaryear/import/"}
