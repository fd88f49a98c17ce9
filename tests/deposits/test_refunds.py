"""Refund due dates (RULES §1, §2), forfeiture, overdue refunds and marking them refunded."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest

from ggzy.core.models import LedgerEntry
from ggzy.deposits import selectors, services
from ggzy.deposits.models import Status
from ggzy.entities.models import MarketEntity
from ggzy.kernel import clock
from ggzy.kernel.errors import Conflict, Forbidden, InvalidInput, NotFound
from ggzy.tendering.models import Lot
from ggzy.workcalendar.services import load_calendar
from tests.fixtures.clock import beijing, holiday_after

from .conftest import DEADLINE, NOW, World, guarantee, transfer

WORKING_DAYS = 5  # MOF Order 87 Art 29/38, GP Reg. Art 33


@dataclass(frozen=True)
class Holiday:
    """The rest days around the next National Day on the calendar; the day before is the
    last working day before them (eve)."""

    first: date
    last: date

    @property
    def eve(self) -> date:
        return self.first - timedelta(days=1)


@pytest.fixture
def national_day(world: World) -> Holiday:
    return Holiday(*holiday_after(clock.today() + timedelta(days=3), "National Day"))


@pytest.fixture
def gp_lot(
    make_lot: Callable[..., Lot], manual_clock: clock.ManualClock, national_day: Holiday
) -> Lot:
    """A procurement lot whose deadline falls on the last working day before the holiday."""
    manual_clock.set(beijing(national_day.eve - timedelta(days=1), 10))
    return make_lot(sector="procurement", deadline=beijing(national_day.eve, 9, 30))


def paid_before(holiday: Holiday) -> datetime:
    return beijing(holiday.eve - timedelta(days=2), 10)


def test_works_withdrawal_counts_calendar_days(
    world: World, lot: Lot, bidder: MarketEntity, rival: MarketEntity
) -> None:
    mine = [transfer(world, lot, bidder, amount="5000"), guarantee(world, lot, bidder)]
    theirs = transfer(world, lot, rival)
    day = NOW.date() + timedelta(days=8)
    due = services.refund_due(lot=lot, entity=bidder, reason="withdrawn", at=beijing(day, 16))
    assert {d.pk for d in due} == {d.pk for d in mine}
    for deposit in due:
        deposit.refresh_from_db()
        assert deposit.status == Status.REFUND_DUE
        assert deposit.refund_due_on == day + timedelta(days=5)  # Reg. Art 35: 5 days
        assert deposit.refund_reason == "withdrawn"
    theirs.refresh_from_db()
    assert theirs.status == Status.HELD
    entry = LedgerEntry.objects.filter(kind="deposit.refund_due").first()
    assert entry is not None
    assert "works.deposit_refund_on_withdrawal_max_days" in entry.body


def test_the_local_date_counts(world: World, lot: Lot, bidder: MarketEntity) -> None:
    transfer(world, lot, bidder)
    day = NOW.date() + timedelta(days=8)
    # 23:30 in Beijing is still 15:30 UTC of the same day; either way the day is ``day``
    at = beijing(day, 23, 30).astimezone(clock.UTC)
    assert at.date() == day
    [deposit] = services.refund_due(lot=lot, entity=bidder, reason="withdrawn", at=at)
    assert deposit.refund_due_on == day + timedelta(days=5)


@pytest.mark.parametrize(
    "reason", ["withdrawn_at_opening", "failed", "terminated", "after_contract"]
)
def test_works_reasons(world: World, lot: Lot, bidder: MarketEntity, reason: str) -> None:
    transfer(world, lot, bidder)
    day = DEADLINE.date()
    [deposit] = services.refund_due(lot=lot, entity=bidder, reason=reason, at=day)
    assert deposit.refund_due_on == day + timedelta(days=5)


def test_works_losers_wait_for_the_contract(world: World, lot: Lot, bidder: MarketEntity) -> None:
    transfer(world, lot, bidder)
    with pytest.raises(InvalidInput) as caught:
        services.refund_due(
            lot=lot, entity=bidder, reason="lost", at=DEADLINE.date() + timedelta(days=10)
        )
    assert caught.value.field == "reason"


def test_gp_withdrawal_counts_working_days_across_national_day(
    world: World, gp_lot: Lot, bidder: MarketEntity, national_day: Holiday
) -> None:
    transfer(world, gp_lot, bidder, paid_at=paid_before(national_day))
    at = beijing(national_day.eve, 9)
    [deposit] = services.refund_due(lot=gp_lot, entity=bidder, reason="withdrawn", at=at)
    # the rest days from the eve to the holiday's end do not count
    expected = load_calendar().add_workdays(national_day.last, WORKING_DAYS)
    assert deposit.refund_due_on == expected


@pytest.mark.parametrize("reason", ["lost", "after_contract", "failed", "terminated"])
def test_gp_reasons_count_working_days(
    world: World, gp_lot: Lot, bidder: MarketEntity, national_day: Holiday, reason: str
) -> None:
    transfer(world, gp_lot, bidder, paid_at=paid_before(national_day))
    day = national_day.eve - timedelta(days=1)
    [deposit] = services.refund_due(lot=gp_lot, entity=bidder, reason=reason, at=day)
    # the eve (1), the holiday, then four more working days after it
    calendar = load_calendar()
    assert calendar.is_workday(national_day.eve)
    assert deposit.refund_due_on == calendar.add_workdays(national_day.last, WORKING_DAYS - 1)


def test_revoked_bid_leaves_the_deposit_forfeitable(
    world: World, lot: Lot, bidder: MarketEntity
) -> None:
    transfer(world, lot, bidder)
    [deposit] = services.refund_due(
        lot=lot, entity=bidder, reason="revoked", at=DEADLINE.date() + timedelta(days=1)
    )
    assert deposit.status == Status.FORFEITABLE
    assert deposit.refund_due_on is None
    assert LedgerEntry.objects.filter(kind="deposit.forfeitable").count() == 1
    # still on hand, so it still shows at the opening
    assert selectors.for_lot(lot)[bidder.pk].total == deposit.amount


def test_only_held_deposits_change(world: World, lot: Lot, bidder: MarketEntity) -> None:
    transfer(world, lot, bidder)
    services.refund_due(lot=lot, entity=bidder, reason="withdrawn", at=NOW.date())
    assert services.refund_due(lot=lot, entity=bidder, reason="failed", at=DEADLINE.date()) == []


def test_unknown_reason(world: World, lot: Lot, bidder: MarketEntity) -> None:
    transfer(world, lot, bidder)
    with pytest.raises(InvalidInput):
        services.refund_due(lot=lot, entity=bidder, reason="bogus", at=NOW.date())


# --- overdue and refunded ----------------------------------------------------------------------


def test_overdue_then_refunded(
    world: World, lot: Lot, bidder: MarketEntity, manual_clock: clock.ManualClock
) -> None:
    deposit = transfer(world, lot, bidder)
    services.refund_due(lot=lot, entity=bidder, reason="withdrawn", at=NOW.date())
    assert list(selectors.overdue(world.staff)) == []
    due = NOW.date() + timedelta(days=5)
    manual_clock.set(beijing(due, 23))
    assert list(selectors.overdue(world.staff)) == []  # due today: not yet overdue
    manual_clock.advance(timedelta(hours=2))
    assert list(selectors.overdue(world.staff)) == [deposit]
    assert list(selectors.overdue(world.city_staff)) == []  # another centre's lot
    assert list(selectors.overdue(world.supervisor_user)) == []  # deadline not passed yet
    manual_clock.set(beijing(DEADLINE.date() + timedelta(days=1), 0))
    assert list(selectors.overdue(world.supervisor_user)) == [deposit]

    refunded = services.mark_refunded(user=world.staff, deposit_id=deposit.pk, reference="R-1")
    assert refunded.status == Status.REFUNDED
    assert refunded.refund_reference == "R-1"
    assert list(selectors.overdue(world.staff)) == []
    entry = LedgerEntry.objects.get(kind="deposit.refunded")
    assert '"late":true' in entry.body


def test_mark_refunded_refusals(world: World, lot: Lot, bidder: MarketEntity) -> None:
    deposit = transfer(world, lot, bidder)
    with pytest.raises(Conflict):  # still held: nothing is owed back
        services.mark_refunded(user=world.staff, deposit_id=deposit.pk, reference="R")
    services.refund_due(lot=lot, entity=bidder, reason="withdrawn", at=NOW.date())
    with pytest.raises(InvalidInput):
        services.mark_refunded(user=world.staff, deposit_id=deposit.pk, reference=" ")
    with pytest.raises(Forbidden):
        services.mark_refunded(user=world.supervisor_user, deposit_id=deposit.pk, reference="R")
    with pytest.raises(NotFound):
        services.mark_refunded(user=world.city_staff, deposit_id=deposit.pk, reference="R")
    services.mark_refunded(user=world.staff, deposit_id=deposit.pk, reference="R")
    with pytest.raises(Conflict):  # refunded once only
        services.mark_refunded(user=world.staff, deposit_id=deposit.pk, reference="R")


def test_refund_owed_undated_when_the_calendar_lacks_the_year(
    world: World, make_lot: Callable[..., Lot], bidder: MarketEntity
) -> None:
    """The tendering step that owes the refund still goes through; the date is not guessed."""
    lot = make_lot(sector="procurement")
    transfer(world, lot, bidder)
    last_year = max(load_calendar().known_years)  # the provisional calendar's horizon
    # fewer working days are left in the year than the period counts
    day = date(last_year, 12, 31) - timedelta(days=2)
    [deposit] = services.refund_due(lot=lot, entity=bidder, reason="terminated", at=day)
    deposit.refresh_from_db()
    assert deposit.status == Status.REFUND_DUE and deposit.refund_due_on is None
    assert deposit in selectors.overdue(world.staff)
    entry = LedgerEntry.objects.filter(kind="deposit.refund_due").latest("seq")
    assert str(last_year + 1) in entry.body
