"""Entering an official schedule against the open trades' published periods: one that would
fall short of the law refuses the import, naming the trade; one whose dates would differ is
listed for centre staff, and its published date is kept."""

import json
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import chinese_calendar
import pytest
from django.test import Client

from ggzy.accounts.models import User
from ggzy.core.models import LedgerEntry
from ggzy.deposits import services as deposits
from ggzy.kernel import clock, provisional_calendar
from ggzy.kernel.errors import RuleViolation
from ggzy.tendering.models import Lot, Project
from ggzy.workcalendar.imports import Schedule, import_schedule
from ggzy.workcalendar.models import CalendarYear
from ggzy.workcalendar.services import load_calendar
from tests.fixtures.clock import beijing
from tests.fixtures.tendering import World
from tests.tendering.flow import ok, publish, register

FIRST_PROVISIONAL = max(chinese_calendar.holidays).year + 1


def _year_ahead(manual_clock: clock.ManualClock) -> int:
    """A provisional year whose Spring Festival is ahead: the clock moves to 20 days before
    it, at 09:00."""
    year = max(FIRST_PROVISIONAL, clock.today().year)
    while _festival(year) - timedelta(days=20) <= clock.today():
        year += 1
    manual_clock.set(beijing(_festival(year) - timedelta(days=20)))
    return year


def _festival(year: int) -> date:
    return provisional_calendar.anchor("Spring Festival", year)


def _statutory(year: int) -> dict[date, str]:
    """An official schedule that rests only on the law's own days."""
    days: dict[date, str] = {}
    for holiday in provisional_calendar.HOLIDAYS:
        anchor = provisional_calendar.anchor(holiday.key, year)
        for offset in holiday.statutory:
            if (anchor + timedelta(offset)).year == year:
                days[anchor + timedelta(offset)] = holiday.name_zh
    return days


def _gp(world: World) -> dict[str, Any]:
    body = register(
        world, procedure="gp_open", item="GP-GOODS-MEDICAL", supervisor=world.finance.pk
    )
    project = ok(body, 201)["project"]
    ok(publish(world, project["id"]), 201)
    return project


def test_a_schedule_that_would_shorten_a_published_period_is_refused(
    world: World, manual_clock: clock.ManualClock
) -> None:
    year = _year_ahead(manual_clock)
    project = _gp(world)
    stored = Project.objects.get(pk=project["id"])
    assert stored.sale_starts_at is not None and stored.sale_ends_at is not None
    sale = [
        stored.sale_starts_at.astimezone(clock.SHANGHAI).date() + timedelta(n)
        for n in range((stored.sale_ends_at - stored.sale_starts_at).days + 1)
    ]
    working = [d for d in sale if load_calendar().is_workday(d) and d.year == year]
    rest = _statutory(year) | dict.fromkeys(working[1:4], "临时停工")
    before = (CalendarYear.objects.count(), LedgerEntry.objects.count())
    with pytest.raises(RuleViolation) as caught:
        import_schedule(schedule=Schedule(year, "国办通知", rest), actor="cli:test")
    assert caught.value.code == "calendar_shortens_period"
    assert project["code"] in caught.value.message_zh
    assert "第三十一条" in caught.value.message_zh  # GP Reg. Art 31: 5 working days
    assert project["code"] in caught.value.message_en
    assert (CalendarYear.objects.count(), LedgerEntry.objects.count()) == before


def test_dates_that_differ_are_listed_and_the_published_one_is_kept(
    world: World, manual_clock: clock.ManualClock, verified_client: Callable[[User], Client]
) -> None:
    year = _year_ahead(manual_clock)
    project = _gp(world)
    lot = Lot.objects.get(project_id=project["id"])
    bidder = world.bidders[0].entity
    assert bidder is not None
    deposits.record_transfer(
        user=world.centre_staff,
        lot_id=lot.pk,
        entity_id=bidder.pk,
        amount=lot.deposit_amount,
        payer_bank=bidder.bank_name,
        payer_account=bidder.bank_account,
        paid_at=clock.now(),
        bank_reference="REF-SPRING",
    )
    festival = _festival(year)
    manual_clock.set(beijing(festival - timedelta(days=4)))
    [deposit] = deposits.refund_due(lot=lot, entity=bidder, reason="withdrawn", at=clock.now())
    published = deposit.refund_due_on
    assert published is not None and published > festival + timedelta(days=8)

    result = import_schedule(schedule=Schedule(year, "国办通知", _statutory(year)), actor="t")
    [listed] = [a for a in result.affected if a["trade"] == lot.code]
    assert listed["published"] == published.isoformat()
    assert date.fromisoformat(listed["official"]) < published
    deposit.refresh_from_db()
    assert deposit.refund_due_on == published  # never moved earlier
    entry = LedgerEntry.objects.get(kind="calendar.imported")
    assert lot.code in json.loads(entry.body)["affected"]

    page = verified_client(world.centre_staff).get("/calendar/").content.decode()
    assert f'id="affected-{year}"' in page and lot.code in page
    assert lot.code not in Client().get("/calendar/").content.decode()
    assert Decimal(deposit.amount) == lot.deposit_amount
