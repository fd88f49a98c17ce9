"""A period counted across a provisional year says so, with the reason: in the notice itself,
on the project page and the sale's hall, and in the API."""

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import chinese_calendar
import pytest
from django.test import Client

from ggzy.accounts.models import User
from ggzy.disclosure.models import Publication
from ggzy.kernel import clock
from ggzy.tendering.models import Notice
from tests.auctions import flow as sales
from tests.fixtures.clock import beijing, working_days_after
from tests.fixtures.tendering import World
from tests.tendering.flow import API, ok, publish, register

FIRST_PROVISIONAL = max(chinese_calendar.holidays).year + 1


@pytest.fixture
def in_a_provisional_year(world: World, manual_clock: clock.ManualClock) -> None:
    """The clock in a provisional year (it is already, from the year after the package's
    last one), on a morning of early March, after the Spring Festival's window."""
    if clock.today().year < FIRST_PROVISIONAL:
        manual_clock.set(beijing(date(FIRST_PROVISIONAL, 3, 2)))
    manual_clock.set(beijing(clock.today() + timedelta(days=1), 9))


def test_a_procurement_notice_counted_provisionally_says_so(
    world: World, in_a_provisional_year: None, client: Any
) -> None:
    project = ok(
        register(world, procedure="gp_open", item="GP-GOODS-MEDICAL", supervisor=world.finance.pk),
        201,
    )["project"]
    ok(publish(world, project["id"]), 201)
    notice = Notice.objects.get(project_id=project["id"], kind=Notice.Kind.TENDER)
    assert "【工作日历说明】按临时工作日历计算" in notice.body
    assert str(clock.today().year) in notice.publication.body
    body = ok(world.agent.client.get(f"{API}/projects/{project['id']}"))
    assert clock.today().year in body["calendar_note"]["years"]
    assert "never shorter" in body["calendar_note"]["reason_en"]
    page = world.agent.client.get(f"/tendering/projects/{project['id']}/").content.decode()
    assert 'id="calendar-note"' in page and "临时工作日历" in page


def test_a_works_notice_counts_calendar_days_and_carries_no_note(
    world: World, in_a_provisional_year: None
) -> None:
    project = ok(register(world), 201)["project"]
    ok(publish(world, project["id"]), 201)
    notice = Notice.objects.get(project_id=project["id"], kind=Notice.Kind.TENDER)
    assert "工作日历说明" not in notice.body
    assert ok(world.agent.client.get(f"{API}/projects/{project['id']}"))["calendar_note"] is None


def test_a_mining_announcement_counted_provisionally_says_so(
    world: World, in_a_provisional_year: None, verified_client: Callable[[User], Client]
) -> None:
    starts = working_days_after(clock.now(), 25)
    auction = sales.announced(
        world,
        trade_type="mining",
        method="auction",
        starts_at=starts,
        free_ends_at=starts + timedelta(hours=2),
    )
    announcement = Publication.objects.get(trade_code=auction.code)
    assert "【工作日历说明】" in announcement.text
    staff = verified_client(world.centre_staff)
    assert 'id="calendar-note"' in staff.get(f"/auctions/{auction.pk}/").content.decode()
    body = ok(staff.get(f"/api/v1/auctions/{auction.pk}/details"))
    assert clock.today().year in body["calendar_note"]["years"]
