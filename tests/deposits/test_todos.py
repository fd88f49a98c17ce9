"""Deposits' to-dos: centre staff refund what is owed, each by the rule's day; supervisors
chase the overdue refunds of projects they supervise; a bidder sees what is owed back to it.
A city centre outside the project's centre, and other bidders, see nothing of it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from ggzy.accounts.models import Organisation, Role, User
from ggzy.deposits import services
from ggzy.deposits.models import Deposit
from ggzy.deposits.periods import refund_note, refund_rule
from ggzy.deposits.selectors import todos
from ggzy.entities.models import EntityUser, MarketEntity
from ggzy.kernel import clock, rules
from ggzy.tendering.models import Lot

from ..fixtures.todos import outsider
from .conftest import World, transfer

pytestmark = pytest.mark.django_db


def _owed(world: World, make_lot: Callable[..., Lot], bidder: MarketEntity, sector: str) -> Deposit:
    lot = make_lot(sector=sector, deadline=clock.now() + timedelta(days=10))
    transfer(world, lot, bidder, paid_at=clock.now() - timedelta(hours=1))
    (deposit,) = services.refund_due(lot=lot, entity=bidder, reason="withdrawn", at=clock.now())
    return deposit


@pytest.mark.parametrize("sector", ["construction", "procurement"])
def test_refunds_owed_for_the_centre_and_the_bidder(
    world: World,
    make_lot: Callable[..., Lot],
    bidder: MarketEntity,
    bidder_user: User,
    rival: MarketEntity,
    sector: str,
) -> None:
    deposit = _owed(world, make_lot, bidder, sector)
    rule = refund_rule(deposit)
    assert rule is not None
    item = next(t for t in todos(world.staff) if t.kind == "deposits.refund")
    assert (item.deadline, item.rule) == (deposit.refund_due_on, rule)
    assert item.citation_zh == rules.get(rule).citation_zh and not item.overdue
    assert item.note == refund_note(deposit)
    assert item.link == f"/deposits/lots/{deposit.lot_id}/"
    assert bidder.name in item.title_zh
    assert [t.kind for t in todos(bidder_user)] == ["deposits.refund_owed"]
    assert todos(world.city_staff) == []  # another centre's region
    rival_user = User.objects.create_user(username="rival", password=None, role=Role.ENTITY)
    EntityUser.objects.create(user=rival_user, entity=rival, created_at=clock.now())
    assert todos(rival_user) == []
    assert todos(world.supervisor_user) == []  # not overdue yet
    services.mark_refunded(user=world.staff, deposit_id=deposit.pk, reference="TK-1")
    assert todos(world.staff) == [] and todos(bidder_user) == []


def test_supervisors_chase_overdue_refunds(
    world: World,
    make_lot: Callable[..., Lot],
    bidder: MarketEntity,
    manual_clock: clock.ManualClock,
) -> None:
    deposit = _owed(world, make_lot, bidder, "construction")
    assert deposit.refund_due_on is not None
    manual_clock.advance(timedelta(days=11))  # past the refund day and the bid deadline
    (item,) = todos(world.supervisor_user)
    assert item.kind == "deposits.refund_overdue" and item.overdue
    assert item.link == f"/tendering/projects/{deposit.lot.project_id}/"
    assert next(t for t in todos(world.staff)).overdue
    assert todos(outsider(Role.SUPERVISOR, Organisation.Kind.DEPARTMENT)) == []
