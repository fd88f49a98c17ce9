"""Recording deposits: transfers and guarantees, and every refusal."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest

from ggzy.accounts.models import User
from ggzy.core.models import LedgerEntry
from ggzy.deposits import services
from ggzy.deposits.models import Deposit, Kind, Status
from ggzy.entities.models import MarketEntity
from ggzy.kernel import clock, rules
from ggzy.kernel.errors import Conflict, Forbidden, InvalidInput, NotFound, RuleViolation
from ggzy.tendering.models import Lot

from .conftest import DEADLINE, NOW, World, guarantee, make_entity, transfer


def test_transfer_is_recorded_and_witnessed(world: World, lot: Lot, bidder: MarketEntity) -> None:
    deposit = transfer(world, lot, bidder, amount="20000", bank_reference="  B-1 ")
    assert deposit.kind == Kind.TRANSFER
    assert deposit.amount == Decimal("20000.00")
    assert deposit.bank_reference == "B-1"
    assert deposit.status == Status.HELD
    assert deposit.recorded_by == world.staff
    entry = LedgerEntry.objects.get(kind="deposit.recorded")
    assert entry.subject == f"deposit:{deposit.pk}"
    assert entry.actor == world.staff.actor
    assert bidder.bank_account not in entry.body  # no account numbers in the public ledger


@pytest.mark.parametrize("amount", ["0", "-5", "1.234", "abc", 1.5])
def test_transfer_refuses_a_bad_amount(
    world: World, lot: Lot, bidder: MarketEntity, amount: object
) -> None:
    with pytest.raises(InvalidInput) as caught:
        transfer(world, lot, bidder, amount=amount)
    assert caught.value.field == "amount"
    assert not Deposit.objects.exists()


def test_transfer_must_come_from_the_basic_account(
    world: World, lot: Lot, bidder: MarketEntity
) -> None:
    with pytest.raises(RuleViolation) as caught:
        transfer(world, lot, bidder, payer_account="6222000011112222")
    assert caught.value.rule == "deposits.transfer_from_basic_account"
    assert caught.value.field == "payer_account"
    assert "《招标投标法实施条例》第二十六条" in caught.value.message_zh
    # spaces in a written account number do not matter
    spaced = " ".join(bidder.bank_account[i : i + 4] for i in range(0, 20, 4))
    assert transfer(world, lot, bidder, payer_account=spaced).payer_account == bidder.bank_account


def test_transfer_from_an_entity_without_a_basic_account(world: World, lot: Lot) -> None:
    bare = make_entity(world.region, "无账户公司", account="")
    with pytest.raises(RuleViolation) as caught:
        transfer(world, lot, bare, payer_account="6222000011112222")
    assert "未登记基本存款账户" in caught.value.message_zh


def test_basic_account_rule_can_be_switched_off(
    world: World, lot: Lot, bidder: MarketEntity
) -> None:
    with rules.override("deposits.transfer_from_basic_account", 0):
        assert transfer(world, lot, bidder, payer_account="6222000011112222").pk


def test_transfer_after_the_deadline_is_refused(
    world: World, lot: Lot, bidder: MarketEntity, manual_clock: clock.ManualClock
) -> None:
    manual_clock.set(DEADLINE + timedelta(days=1))
    with pytest.raises(RuleViolation) as caught:
        transfer(world, lot, bidder, paid_at=DEADLINE + timedelta(seconds=1))
    assert caught.value.rule == "deposits.before_bid_deadline"
    assert caught.value.field == "paid_at"
    # arriving at the deadline itself is in time, and may be entered later
    assert transfer(world, lot, bidder, paid_at=DEADLINE).pk


def test_transfer_in_the_future_is_refused(world: World, lot: Lot, bidder: MarketEntity) -> None:
    with pytest.raises(InvalidInput) as caught:
        transfer(world, lot, bidder, paid_at=NOW + timedelta(minutes=5))
    assert caught.value.field == "paid_at"


def test_duplicate_reference_is_refused_per_lot(
    world: World, make_lot: Callable[..., Lot], bidder: MarketEntity
) -> None:
    first, second = make_lot(), make_lot()
    transfer(world, first, bidder, bank_reference="SAME")
    with pytest.raises(Conflict) as caught:
        transfer(world, first, bidder, bank_reference="SAME")
    assert caught.value.code == "duplicate_reference"
    assert transfer(world, second, bidder, bank_reference="SAME").pk  # another lot


def test_only_centre_staff_record_transfers(
    world: World, lot: Lot, bidder: MarketEntity, bidder_user: User
) -> None:
    for user in (bidder_user, world.supervisor_user):
        with pytest.raises(Forbidden):
            transfer(world, lot, bidder, user=user)


def test_staff_of_another_centre_do_not_see_the_lot(
    world: World, lot: Lot, bidder: MarketEntity
) -> None:
    with pytest.raises(NotFound):
        transfer(world, lot, bidder, user=world.city_staff)


@pytest.mark.parametrize("status", [Lot.Status.FAILED, Lot.Status.TERMINATED])
def test_failed_or_terminated_lots_take_no_deposits(
    world: World, make_lot: Callable[..., Lot], bidder: MarketEntity, status: str
) -> None:
    with pytest.raises(Conflict):
        transfer(world, make_lot(status=status), bidder)


def test_lot_without_a_deadline_takes_no_deposits(
    world: World, make_lot: Callable[..., Lot], bidder: MarketEntity
) -> None:
    with pytest.raises(Conflict) as caught:
        transfer(world, make_lot(deadline=None), bidder)
    assert caught.value.field == "lot"


def test_unknown_entity(world: World, lot: Lot) -> None:
    with pytest.raises(NotFound) as caught:
        services.record_transfer(
            user=world.staff,
            lot_id=lot.pk,
            entity_id=999_999,
            amount="1",
            payer_bank="",
            payer_account="1",
            paid_at=NOW,
            bank_reference="X",
        )
    assert caught.value.field == "entity"


# --- guarantees -----------------------------------------------------------------------------


def test_bidder_records_its_own_guarantee(
    world: World, lot: Lot, bidder: MarketEntity, bidder_user: User
) -> None:
    deposit = guarantee(world, lot, bidder, user=bidder_user, guarantee_no="BH-001")
    assert deposit.kind == Kind.GUARANTEE
    assert deposit.guarantee_no == "BH-001"
    entry = LedgerEntry.objects.get(kind="deposit.recorded")
    assert '"source":"bidder"' in entry.body


def test_bidder_cannot_record_for_another(
    world: World, lot: Lot, rival: MarketEntity, bidder_user: User
) -> None:
    with pytest.raises(Forbidden):
        guarantee(world, lot, rival, user=bidder_user)


def test_guarantee_must_cover_the_bid_deadline(
    world: World, lot: Lot, bidder: MarketEntity
) -> None:
    with pytest.raises(RuleViolation) as caught:
        guarantee(world, lot, bidder, valid_until=DEADLINE.date() - timedelta(days=1))
    assert caught.value.rule == "deposits.guarantee_covers_bid_deadline"
    assert caught.value.field == "valid_until"
    with pytest.raises(RuleViolation) as caught:
        guarantee(world, lot, bidder, valid_from=DEADLINE.date() + timedelta(days=1))
    assert caught.value.field == "valid_from"
    # valid on the deadline day itself is enough
    assert guarantee(world, lot, bidder, valid_until=DEADLINE.date()).pk


def test_guarantee_dates_in_order(world: World, lot: Lot, bidder: MarketEntity) -> None:
    with pytest.raises(InvalidInput) as caught:
        guarantee(world, lot, bidder, valid_from=DEADLINE.date(), valid_until=NOW.date())
    assert caught.value.field == "valid_until"


def test_guarantee_number_is_unique(
    world: World, make_lot: Callable[..., Lot], bidder: MarketEntity
) -> None:
    guarantee(world, make_lot(), bidder, guarantee_no="BH-9")
    with pytest.raises(Conflict) as caught:
        guarantee(world, make_lot(), bidder, guarantee_no="BH-9")
    assert caught.value.code == "duplicate_guarantee"


def test_guarantee_after_the_deadline_is_refused(
    world: World, lot: Lot, bidder: MarketEntity, manual_clock: clock.ManualClock
) -> None:
    manual_clock.set(DEADLINE + timedelta(minutes=1))
    with pytest.raises(RuleViolation) as caught:
        guarantee(world, lot, bidder)
    assert caught.value.rule == "deposits.before_bid_deadline"


@pytest.mark.parametrize(
    ("field", "value"), [("guarantee_no", " "), ("issuer", ""), ("amount", "0")]
)
def test_guarantee_refuses_blank_or_bad_fields(
    world: World, lot: Lot, bidder: MarketEntity, field: str, value: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        guarantee(world, lot, bidder, **{field: value})
    assert caught.value.field == field


def test_supervisor_cannot_record_a_guarantee(world: World, lot: Lot, bidder: MarketEntity) -> None:
    with pytest.raises(Forbidden):
        guarantee(world, lot, bidder, user=world.supervisor_user)
