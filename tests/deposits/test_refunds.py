"""Refund due dates (RULES §1, §2), forfeiture, overdue refunds and marking them refunded."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest

from ggzy.core.models import LedgerEntry
from ggzy.deposits import selectors, services
from ggzy.deposits.models import Status
from ggzy.entities.models import MarketEntity
from ggzy.kernel import clock
from ggzy.kernel.errors import Conflict, Forbidden, InvalidInput, NotFound
from ggzy.tendering.models import Lot

from .conftest import World, guarantee, transfer

# A procurement lot whose deadline falls just before the 2026 National Day holiday
# (10-01 to 10-07; Saturday 10-10 is an adjusted working day).
GP_DEADLINE = datetime(2026, 9, 29, 9, 30, tzinfo=clock.SHANGHAI)


@pytest.fixture
def gp_lot(make_lot: Callable[..., Lot], manual_clock: clock.ManualClock) -> Lot:
    manual_clock.set(datetime(2026, 9, 28, 10, 0, tzinfo=clock.SHANGHAI))
    return make_lot(sector="procurement", deadline=GP_DEADLINE)


def test_works_withdrawal_counts_calendar_days(
    world: World, lot: Lot, bidder: MarketEntity, rival: MarketEntity
) -> None:
    mine = [transfer(world, lot, bidder, amount="5000"), guarantee(world, lot, bidder)]
    theirs = transfer(world, lot, rival)
    at = datetime(2026, 12, 1, 16, 0, tzinfo=clock.SHANGHAI)
    due = services.refund_due(lot=lot, entity=bidder, reason="withdrawn", at=at)
    assert {d.pk for d in due} == {d.pk for d in mine}
    for deposit in due:
        deposit.refresh_from_db()
        assert deposit.status == Status.REFUND_DUE
        assert deposit.refund_due_on == date(2026, 12, 6)  # Reg. Art 35: 5 days
        assert deposit.refund_reason == "withdrawn"
    theirs.refresh_from_db()
    assert theirs.status == Status.HELD
    entry = LedgerEntry.objects.filter(kind="deposit.refund_due").first()
    assert entry is not None
    assert "works.deposit_refund_on_withdrawal_max_days" in entry.body


def test_the_local_date_counts(world: World, lot: Lot, bidder: MarketEntity) -> None:
    transfer(world, lot, bidder)
    # 2026-12-01 23:30 in Beijing is still 12-01 15:30 UTC; either way the day is 12-01
    at = datetime(2026, 12, 1, 15, 30, tzinfo=clock.UTC)
    [deposit] = services.refund_due(lot=lot, entity=bidder, reason="withdrawn", at=at)
    assert deposit.refund_due_on == date(2026, 12, 6)


@pytest.mark.parametrize(
    ("reason", "due"),
    [
        ("withdrawn_at_opening", date(2026, 12, 15)),
        ("failed", date(2026, 12, 15)),
        ("terminated", date(2026, 12, 15)),
        ("after_contract", date(2026, 12, 15)),
    ],
)
def test_works_reasons(
    world: World, lot: Lot, bidder: MarketEntity, reason: str, due: date
) -> None:
    transfer(world, lot, bidder)
    [deposit] = services.refund_due(lot=lot, entity=bidder, reason=reason, at=date(2026, 12, 10))
    assert deposit.refund_due_on == due


def test_works_losers_wait_for_the_contract(world: World, lot: Lot, bidder: MarketEntity) -> None:
    transfer(world, lot, bidder)
    with pytest.raises(InvalidInput) as caught:
        services.refund_due(lot=lot, entity=bidder, reason="lost", at=date(2026, 12, 20))
    assert caught.value.field == "reason"


def test_gp_withdrawal_counts_working_days_across_national_day(
    world: World, gp_lot: Lot, bidder: MarketEntity
) -> None:
    transfer(world, gp_lot, bidder, paid_at=datetime(2026, 9, 27, 10, 0, tzinfo=clock.SHANGHAI))
    at = datetime(2026, 9, 29, 9, 0, tzinfo=clock.SHANGHAI)
    [deposit] = services.refund_due(lot=gp_lot, entity=bidder, reason="withdrawn", at=at)
    # 09-30 (1), holiday 10-01..10-07, 10-08 (2), 10-09 (3), Saturday 10-10 worked (4), 10-12 (5)
    assert deposit.refund_due_on == date(2026, 10, 12)


@pytest.mark.parametrize("reason", ["lost", "after_contract", "failed", "terminated"])
def test_gp_reasons_count_working_days(
    world: World, gp_lot: Lot, bidder: MarketEntity, reason: str
) -> None:
    transfer(world, gp_lot, bidder, paid_at=datetime(2026, 9, 27, 10, 0, tzinfo=clock.SHANGHAI))
    [deposit] = services.refund_due(lot=gp_lot, entity=bidder, reason=reason, at=date(2026, 9, 30))
    # holiday 10-01..10-07, then 10-08, 10-09, Saturday 10-10 (worked), 10-12, 10-13
    assert deposit.refund_due_on == date(2026, 10, 13)


def test_revoked_bid_leaves_the_deposit_forfeitable(
    world: World, lot: Lot, bidder: MarketEntity
) -> None:
    transfer(world, lot, bidder)
    [deposit] = services.refund_due(lot=lot, entity=bidder, reason="revoked", at=date(2026, 12, 10))
    assert deposit.status == Status.FORFEITABLE
    assert deposit.refund_due_on is None
    assert LedgerEntry.objects.filter(kind="deposit.forfeitable").count() == 1
    # still on hand, so it still shows at the opening
    assert selectors.for_lot(lot)[bidder.pk].total == deposit.amount


def test_only_held_deposits_change(world: World, lot: Lot, bidder: MarketEntity) -> None:
    transfer(world, lot, bidder)
    services.refund_due(lot=lot, entity=bidder, reason="withdrawn", at=date(2026, 12, 1))
    assert services.refund_due(lot=lot, entity=bidder, reason="failed", at=date(2026, 12, 10)) == []


def test_unknown_reason(world: World, lot: Lot, bidder: MarketEntity) -> None:
    transfer(world, lot, bidder)
    with pytest.raises(InvalidInput):
        services.refund_due(lot=lot, entity=bidder, reason="bogus", at=date(2026, 12, 1))


# --- overdue and refunded ----------------------------------------------------------------------


def test_overdue_then_refunded(
    world: World, lot: Lot, bidder: MarketEntity, manual_clock: clock.ManualClock
) -> None:
    deposit = transfer(world, lot, bidder)
    services.refund_due(lot=lot, entity=bidder, reason="withdrawn", at=date(2026, 11, 23))
    assert list(selectors.overdue(world.staff)) == []
    manual_clock.set(datetime(2026, 11, 28, 23, 0, tzinfo=clock.SHANGHAI))
    assert list(selectors.overdue(world.staff)) == []  # due on 11-28: not yet overdue
    manual_clock.advance(timedelta(hours=2))
    assert list(selectors.overdue(world.staff)) == [deposit]
    assert list(selectors.overdue(world.city_staff)) == []  # another centre's lot
    assert list(selectors.overdue(world.supervisor_user)) == []  # deadline not passed yet
    manual_clock.set(datetime(2026, 12, 11, tzinfo=clock.SHANGHAI))
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
    services.refund_due(lot=lot, entity=bidder, reason="withdrawn", at=date(2026, 11, 23))
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
    world: World, gp_lot: Lot, bidder: MarketEntity
) -> None:
    """The tendering step that owes the refund still goes through; the date is not guessed."""
    transfer(world, gp_lot, bidder, paid_at=datetime(2026, 9, 27, 10, 0, tzinfo=clock.SHANGHAI))
    [deposit] = services.refund_due(
        lot=gp_lot, entity=bidder, reason="terminated", at=date(2026, 12, 29)
    )
    deposit.refresh_from_db()
    assert deposit.status == Status.REFUND_DUE and deposit.refund_due_on is None
    assert deposit in selectors.overdue(world.staff)
    entry = LedgerEntry.objects.filter(kind="deposit.refund_due").latest("seq")
    assert "2027" in entry.body
