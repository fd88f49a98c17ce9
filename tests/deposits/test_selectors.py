"""What the opening shows (for_lot), the sum-and-sufficiency invariant, and who sees what."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from ggzy.accounts.models import User
from ggzy.deposits import selectors, services
from ggzy.deposits.models import Deposit, Kind
from ggzy.entities.models import MarketEntity
from ggzy.kernel import clock
from ggzy.tendering.models import Lot

from .conftest import DEADLINE, NOW, World, guarantee, transfer


def test_for_lot_adds_up_each_bidder(
    world: World, lot: Lot, bidder: MarketEntity, rival: MarketEntity
) -> None:
    transfer(world, lot, bidder, amount="12000")
    guarantee(world, lot, bidder, amount="8000", guarantee_no="BH-7")
    transfer(world, lot, rival, amount="19999.99")
    summaries = selectors.for_lot(lot)
    mine, theirs = summaries[bidder.pk], summaries[rival.pk]
    assert mine.total == Decimal("20000.00")
    assert mine.sufficient
    assert mine.kinds == (Kind.TRANSFER, Kind.GUARANTEE)
    assert mine.text == "银行转账 ¥12,000.00；电子保函 No.BH-7 ¥8,000.00"
    assert not theirs.sufficient
    assert theirs.text == "银行转账 ¥19,999.99"


def test_for_lot_leaves_out_deposits_owed_back(
    world: World, lot: Lot, bidder: MarketEntity
) -> None:
    transfer(world, lot, bidder)
    services.refund_due(lot=lot, entity=bidder, reason="withdrawn", at=NOW.date())
    assert selectors.for_lot(lot) == {}


amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999999.99"), places=2)


@given(
    payments=st.lists(st.tuples(st.integers(1, 4), amounts), max_size=20),
    required=st.decimals(min_value=Decimal(0), max_value=Decimal("99999999.99"), places=2),
)
def test_summaries_add_up_and_sufficiency_is_the_threshold(
    payments: list[tuple[int, Decimal]], required: Decimal
) -> None:
    deposits = [Deposit(entity_id=e, amount=a, kind=Kind.TRANSFER) for e, a in payments]
    summaries = selectors.summarise(required, deposits)
    assert set(summaries) == {e for e, _ in payments}
    assert sum((s.total for s in summaries.values()), Decimal(0)) == sum(
        (a for _, a in payments), Decimal(0)
    )
    for entity_id, summary in summaries.items():
        assert summary.total == sum(a for e, a in payments if e == entity_id)
        assert summary.sufficient == (summary.total >= required)
        # several payments add up: adding one more never makes a bidder insufficient
        more = selectors.summarise(
            required,
            [*deposits, Deposit(entity_id=entity_id, amount=Decimal("0.01"), kind=Kind.TRANSFER)],
        )
        assert more[entity_id].sufficient or not summary.sufficient


def test_who_sees_deposits(
    world: World,
    lot: Lot,
    bidder: MarketEntity,
    rival: MarketEntity,
    bidder_user: User,
    manual_clock: clock.ManualClock,
) -> None:
    mine = transfer(world, lot, bidder)
    theirs = transfer(world, lot, rival)
    assert set(selectors.visible_to(world.staff)) == {mine, theirs}
    assert list(selectors.visible_to(bidder_user)) == [mine]
    assert list(selectors.visible_to(world.city_staff)) == []
    # who is bidding stays confidential until the deadline
    assert list(selectors.visible_to(world.supervisor_user)) == []
    manual_clock.set(DEADLINE + timedelta(minutes=1))
    assert set(selectors.visible_to(world.supervisor_user)) == {mine, theirs}
    assert lot in selectors.lots_visible_to(bidder_user)
    assert lot not in selectors.lots_visible_to(world.city_staff)


def test_lots_with_deposits(world: World, lot: Lot, bidder: MarketEntity) -> None:
    transfer(world, lot, bidder, amount="15000")
    transfer(world, lot, bidder, amount="5000")
    [row] = selectors.lots_with_deposits(world.staff)
    assert row == lot
    assert row.bidders == 1  # type: ignore[attr-defined]
    assert row.on_hand == Decimal("20000.00")  # type: ignore[attr-defined]
