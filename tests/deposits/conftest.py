"""Fixtures for the deposits tests: a province with a centre and a city centre, a
supervisor, bidders with basic accounts, and lots made directly through the ORM (the
tendering services are written elsewhere). Time is the shared ``manual_clock``, from
START; the lots' deadline is 17 days later."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from ggzy.accounts.models import Level, Organisation, Region, Role, User
from ggzy.accounts.services import create_token
from ggzy.catalogue.models import CatalogueItem, CatalogueVersion, TradeCategory
from ggzy.deposits import services
from ggzy.deposits.models import Deposit
from ggzy.entities.models import EntityUser, MarketEntity
from ggzy.kernel import clock
from ggzy.kernel.ids import make_uscc
from ggzy.tendering.models import Lot, Project
from tests.conftest import START
from tests.fixtures.clock import beijing
from tests.fixtures.people import hunan, organisation, person, region

NOW = START
DEADLINE = NOW + timedelta(days=17, minutes=30)
PAID_AT = beijing(NOW.date() - timedelta(days=3), 10, 15)  # as a bank statement has it
_serial = itertools.count(1)


@dataclass
class World:
    region: Region
    centre: Organisation
    city_centre: Organisation
    supervisor: Organisation
    staff: User
    city_staff: User
    supervisor_user: User
    item: CatalogueItem
    initiator: MarketEntity


@pytest.fixture
def world(db: Any, manual_clock: clock.ManualClock) -> World:
    province = hunan()
    xiangxi = region("433100", "湘西州", province)
    centre = organisation(Organisation.Kind.CENTRE, "省中心", province, level=Level.PROVINCE)
    city_centre = organisation(
        Organisation.Kind.CENTRE, "湘西州中心", xiangxi, level=Level.CITY, parent=centre
    )
    supervisor = organisation(
        Organisation.Kind.DEPARTMENT, "省住建厅", province, level=Level.PROVINCE, industry="housing"
    )
    staff = person("finance", Role.CENTRE, centre, real_name="")
    category = TradeCategory.objects.create(code="works", name_zh="工程", family="works")
    version = CatalogueVersion.objects.create(
        number=1, title="目录", created_at=NOW, created_by=staff
    )
    item = CatalogueItem.objects.create(
        version=version,
        category=category,
        code="W1",
        name="房屋建筑工程",
        supervising_industry="housing",
    )
    return World(
        region=province,
        centre=centre,
        city_centre=city_centre,
        supervisor=supervisor,
        staff=staff,
        city_staff=person("city-finance", Role.CENTRE, city_centre, real_name=""),
        supervisor_user=person("zhujian", Role.SUPERVISOR, supervisor, real_name=""),
        item=item,
        initiator=make_entity(province, "招标人有限公司", account=""),
    )


def make_entity(region: Region, name: str, *, account: str | None = None) -> MarketEntity:
    n = next(_serial)
    return MarketEntity.objects.create(
        kind="legal",
        name=name,
        uscc=make_uscc("9", "1", "430100", f"DP{n:06d}"),
        address="长沙市",
        region=region,
        contact_name="联系人",
        contact_mobile="13800138000",
        bank_name="中国建设银行长沙支行",
        bank_account=f"430501783601000{n:05d}" if account is None else account,
        is_respondent=True,
        status="approved",
        created_at=NOW,
        updated_at=NOW,
    )


@pytest.fixture
def bidder(world: World) -> MarketEntity:
    return make_entity(world.region, "甲建设有限公司")


@pytest.fixture
def rival(world: World) -> MarketEntity:
    return make_entity(world.region, "乙建设有限公司")


@pytest.fixture
def bidder_user(bidder: MarketEntity) -> User:
    user = person("bidder", Role.ENTITY, real_name="")
    EntityUser.objects.create(user=user, entity=bidder, is_admin=True, created_at=NOW)
    return user


@pytest.fixture
def make_lot(world: World) -> Callable[..., Lot]:
    def make(
        *,
        sector: str = "construction",
        deadline: datetime | None = DEADLINE,
        deposit_amount: str = "20000.00",
        centre: Organisation | None = None,
        status: str = Lot.Status.BIDDING,
    ) -> Lot:
        n = next(_serial)
        project = Project.objects.create(
            code=f"P{n:04d}",
            name=f"项目{n}",
            sector=sector,
            category="works",
            procedure="works_open_post" if sector == "construction" else "gp_open",
            funding="state",
            estimate=Decimal("5000000"),
            region=world.region,
            centre=centre or world.centre,
            supervisor=world.supervisor,
            catalogue_item=world.item,
            initiator=world.initiator,
            entry_basis="must",
            entry_reason="依法必须招标",
            fiscal_year=NOW.year,
            bid_deadline=deadline,
            created_by=world.staff,
            created_at=NOW,
        )
        return Lot.objects.create(
            project=project,
            number=1,
            code=f"P{n:04d}-01",
            name="一标段",
            estimate=Decimal("5000000"),
            deposit_amount=Decimal(deposit_amount),
            decryption_minutes=30,
            status=status,
        )

    return make


@pytest.fixture
def lot(make_lot: Callable[..., Lot]) -> Lot:
    return make_lot()


def transfer(world: World, lot: Lot, entity: MarketEntity, **overrides: Any) -> Deposit:
    values: dict[str, Any] = {
        "user": world.staff,
        "lot_id": lot.pk,
        "entity_id": entity.pk,
        "amount": "20000.00",
        "payer_bank": entity.bank_name,
        "payer_account": entity.bank_account,
        "paid_at": NOW - timedelta(hours=1),
        "bank_reference": f"REF{next(_serial):08d}",
    }
    values.update(overrides)
    return services.record_transfer(**values)


def guarantee(world: World, lot: Lot, entity: MarketEntity, **overrides: Any) -> Deposit:
    values: dict[str, Any] = {
        "user": world.staff,
        "lot_id": lot.pk,
        "entity_id": entity.pk,
        "guarantee_no": f"BH{next(_serial):08d}",
        "issuer": "中国人民财产保险股份有限公司湖南省分公司",
        "amount": "20000.00",
        "valid_from": NOW.date() - timedelta(days=3),
        "valid_until": DEADLINE.date() + timedelta(days=90),
    }
    values.update(overrides)
    return services.record_guarantee(**values)


class Api:
    """A client for /api/v1/deposits with a read-write bearer token."""

    def __init__(self, user: User) -> None:
        _, secret = create_token(user=user, name="test", scopes=["read", "write"], days=30)
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {secret}"}

    def get(self, path: str) -> Any:
        return self.client.get(f"/api/v1/deposits{path}", headers=self.headers)

    def post(self, path: str, body: Any) -> Any:
        return self.client.post(
            f"/api/v1/deposits{path}", body, content_type="application/json", headers=self.headers
        )

    def upload(self, path: str, data: dict[str, Any]) -> Any:
        return self.client.post(f"/api/v1/deposits{path}", data, headers=self.headers)
