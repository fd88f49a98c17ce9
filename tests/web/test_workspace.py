"""The workspace opens with each role's to-do list (待办事项) — deadline, time left, legal basis
and a link — above the shortcuts; the same list over the API; the home page greets a
logged-in user instead of inviting them to register."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.test import Client

from ggzy.accounts.models import Level, Organisation, Role, User
from ggzy.accounts.services import create_token
from ggzy.kernel import clock
from ggzy.tendering.models import Project
from ggzy.workcalendar.services import load_calendar
from tests.fixtures.people import organisation

from ..fixtures.evaluation import draw_request, supplementary_expert
from ..fixtures.tendering import World
from ..tendering.flow import ok, publish, register

pytestmark = pytest.mark.django_db


@dataclass
class Desk:
    """A project whose opening is today and another only registered; an expert invited."""

    opening: dict[str, Any]
    registered: dict[str, Any]
    deadline: datetime
    expert: User
    invitation: int


@pytest.fixture
def desk(world: World, manual_clock: clock.ManualClock) -> Desk:
    opening = ok(register(world), 201)["project"]
    ok(publish(world, opening["id"]), 201)
    registered = ok(register(world), 201)["project"]
    deadline = Project.objects.get(pk=opening["id"]).bid_deadline
    assert deadline is not None
    day = datetime.combine(deadline.astimezone(clock.SHANGHAI).date(), time(), clock.SHANGHAI)
    manual_clock.set(max(day, deadline - timedelta(hours=1)))
    room = draw_request(world, opening, opening["lots"][0]["name"])
    person, invitation = supplementary_expert(room, confirmed=False)
    return Desk(opening, registered, deadline, person.user, invitation.pk)


def _oversight(world: World) -> User:
    org = organisation(
        Organisation.Kind.OVERSIGHT, "湖南省审计厅", world.region, level=Level.PROVINCE
    )
    return User.objects.create_user(
        username="auditor", password=None, role=Role.OVERSIGHT, organisation=org
    )


def _page(user: User, verified_client: Callable[[User], Client]) -> str:
    if user.needs_second_factor:
        client = verified_client(user)
    else:
        client = Client()
        client.force_login(user)
    response = client.get("/workspace/")
    assert response.status_code == 200
    return response.content.decode()


HALL = "/tendering/lots/{lot}/hall/"

# role → (who, what the list says, where its link goes)
CASES: dict[str, tuple[Callable[[World, Desk], User], str, str]] = {
    "centre": (lambda w, d: w.centre_staff, "今日开标：主持开标", HALL),
    "supervisor": (lambda w, d: w.supervisor, "今日开标：在线监督", HALL),
    "oversight": (lambda w, d: _oversight(w), "今日开标：在线监督", HALL),
    "agent": (
        lambda w, d: w.agent.user,
        "发布招标（采购）公告",
        "/tendering/projects/{registered}/",
    ),
    "initiator": (
        lambda w, d: w.initiator.user,
        "发布招标（采购）公告",
        "/tendering/projects/{registered}/",
    ),
    "expert": (lambda w, d: d.expert, "答复专家抽取通知", "/experts/invitations/{invitation}/"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_role_opens_on_its_todos(
    case: str, world: World, desk: Desk, verified_client: Callable[[User], Client]
) -> None:
    who, title, link = CASES[case]
    page = _page(who(world, desk), verified_client)
    href = link.format(
        lot=desk.opening["lots"][0]["id"],
        registered=desk.registered["id"],
        invitation=desk.invitation,
    )
    todos, shortcuts = page.index('id="todos"'), page.index("常用入口")
    assert todos < page.index(title) < shortcuts
    assert f'href="{href}"' in page[todos:shortcuts]
    assert "暂无待办事项" not in page


def test_the_admin_sees_the_centres_todos_and_the_calendar_to_enter(
    world: World, desk: Desk, admin_client: Client
) -> None:
    page = admin_client.get("/workspace/").content.decode()
    assert "今日开标：主持开标" in page
    for year in load_calendar().provisional_years:
        assert f"录入 {year} 年法定节假日安排" in page
    assert "/admin/workcalendar/calendaryear/import/" in page


def test_the_deadline_shows_the_time_left(
    world: World, desk: Desk, verified_client: Callable[[User], Client]
) -> None:
    page = _page(world.centre_staff, verified_client)
    assert desk.deadline.astimezone(clock.SHANGHAI).strftime("%Y-%m-%d %H:%M") in page
    assert "剩余" in page


def test_nothing_to_do_says_so_in_both_languages(world: World) -> None:
    client = Client()
    client.force_login(world.bidders[0].user)
    assert "暂无待办事项" in client.get("/workspace/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/workspace/"})
    english = client.get("/workspace/").content.decode()
    assert "Nothing to do right now" in english and "Shortcuts" in english


def test_english_titles(world: World, desk: Desk) -> None:
    client = Client()
    client.force_login(world.agent.user)
    client.post("/i18n/setlang/", {"language": "en", "next": "/workspace/"})
    page = client.get("/workspace/").content.decode()
    assert "Publish the tender (procurement) notice" in page and "To do" in page


def test_the_api_returns_the_same_list(
    world: World, desk: Desk, verified_client: Callable[[User], Client]
) -> None:
    url = "/api/v1/workspace/todos"
    assert Client().get(url).status_code == 401
    _, secret = create_token(user=world.agent.user, name="erp", scopes=["read"], days=30)
    items = ok(Client().get(url, headers={"Authorization": f"Bearer {secret}"}))
    assert [i["kind"] for i in items] == ["tendering.publish_notice"]
    assert items[0]["link"] == f"/tendering/projects/{desk.registered['id']}/"
    assert items[0]["deadline"] is None and items[0]["overdue"] is False
    unverified = Client()
    unverified.force_login(world.centre_staff)
    assert unverified.get(url).status_code == 401  # staff need the second factor
    (opening,) = ok(verified_client(world.centre_staff).get(url))
    assert opening["kind"] == "tendering.opening_today"
    assert datetime.fromisoformat(opening["deadline"]) == desk.deadline
    assert opening["title_en"] == "Opening today: host it"


def test_home_greets_a_logged_in_user(world: World) -> None:
    anonymous = Client().get("/").content.decode()
    assert "立即注册" in anonymous and "进入工作台" not in anonymous
    client = Client()
    client.force_login(world.agent.user)
    page = client.get("/").content.decode()  # the same cached content, another greeting
    assert "进入工作台" in page and 'href="/workspace/"' in page
    assert "立即注册" not in page and "市场主体注册" not in page


def test_openapi_documents_the_todos(client: Client) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "get" in paths["/api/v1/workspace/todos"]
