"""Fixtures for the catalogue tests: organisations, users by role, a manual clock, the
Hunan 2019 catalogue loaded from its data file, and authenticated API and browser clients."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta

import pytest
from django.test import Client

from ggzy.accounts.models import Organisation, Region, Role, User
from ggzy.accounts.services import create_token
from ggzy.catalogue import services
from ggzy.catalogue.datafile import HUNAN_2019
from ggzy.catalogue.models import CatalogueVersion
from ggzy.kernel import clock
from tests.conftest import START
from tests.fixtures import people

NOW = START + timedelta(minutes=30)
TODAY = NOW.date()


@pytest.fixture
def frozen_clock() -> Iterator[clock.ManualClock]:
    with clock.use_clock(clock.ManualClock(NOW)) as manual:
        assert isinstance(manual, clock.ManualClock)
        yield manual


@pytest.fixture
def hunan(db: None) -> Region:
    return people.hunan()


@pytest.fixture
def xiangxi(hunan: Region) -> Region:
    return people.region("433100", "湘西土家族苗族自治州", hunan)


@pytest.fixture
def provincial_centre(hunan: Region) -> Organisation:
    return people.organisation(Organisation.Kind.CENTRE, "湖南省公共资源交易中心", hunan)


@pytest.fixture
def city_centre(xiangxi: Region, provincial_centre: Organisation) -> Organisation:
    return people.organisation(
        Organisation.Kind.CENTRE, "湘西州公共资源交易中心", xiangxi, parent=provincial_centre
    )


@pytest.fixture
def editor(provincial_centre: Organisation) -> User:
    """Provincial centre staff: the only people who edit and publish the catalogue."""
    return people.person(
        "sheng-zhongxin",
        Role.CENTRE,
        provincial_centre,
        password="x-Pass-2026",
        real_name="省中心目录管理员",
    )


@pytest.fixture
def city_staff(city_centre: Organisation) -> User:
    return people.person(
        "zhou-zhongxin", Role.CENTRE, city_centre, password="x-Pass-2026", real_name=""
    )


@pytest.fixture
def entity_user(db: None) -> User:
    return people.person("qiye", password="x-Pass-2026", real_name="")


@pytest.fixture
def catalogue_2019(db: None) -> CatalogueVersion:
    """The Hunan 2019 catalogue from the shipped data file, published from 2019-01-01."""
    return services.load_catalogue_file(HUNAN_2019, actor="system").version


@pytest.fixture
def draft(
    catalogue_2019: CatalogueVersion, editor: User, frozen_clock: clock.ManualClock
) -> CatalogueVersion:
    return services.create_draft(
        actor_user=editor,
        title="湖南省公共资源交易目录（2026年本）",
        document_number="湘测〔2026〕1号",
    )


@pytest.fixture
def bearer() -> Callable[[User], dict[str, str]]:
    """Headers carrying a read-write API token for ``user``."""

    def make(user: User) -> dict[str, str]:
        _, secret = create_token(user=user, name="测试", scopes=["read", "write"], days=30)
        return {"Authorization": f"Bearer {secret}"}

    return make


@pytest.fixture
def session_client(verified_client: Callable[[User], Client]) -> Callable[[User], Client]:
    """A browser session for ``user``; staff have passed the second factor."""

    def make(user: User) -> Client:
        if user.needs_second_factor:
            return verified_client(user)
        client = Client()
        client.force_login(user)
        return client

    return make


def next_day() -> date:
    return date.fromordinal(TODAY.toordinal() + 1)
