import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, time

import pytest
from django.core.cache import cache
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from ggzy.accounts.models import Role, User
from ggzy.accounts.otp import device_for
from ggzy.core.scheduler import REGISTRY
from ggzy.kernel import clock
from ggzy.workcalendar.services import clear_cache

pytest_plugins = ["tests.fixtures.draws", "tests.fixtures.s3", "tests.fixtures.tendering"]


def _start() -> datetime:
    """When the suite's clock starts: GGZY_TEST_START (a date, 09:00 in Beijing, or a
    moment), else today at 09:00. The suite must pass whatever it is."""
    text = os.environ.get("GGZY_TEST_START", "").strip()
    if not text:
        return datetime.combine(datetime.now(clock.SHANGHAI).date(), time(9), clock.SHANGHAI)
    moment = datetime.fromisoformat(text)
    if len(text) <= len("YYYY-MM-DD"):
        moment = moment.replace(hour=9)
    return moment if moment.tzinfo else moment.replace(tzinfo=clock.SHANGHAI)


START = _start()
if os.environ.get("GGZY_TEST_START", "").strip():
    # Every clock of the run follows: this process (the live servers in its threads), and the
    # processes it starts, which read the offset in their settings.
    _offset = START - datetime.now(UTC)
    os.environ["GGZY_CLOCK_OFFSET_SECONDS"] = str(_offset.total_seconds())
    clock.set_clock(clock.SystemClock(_offset))


@pytest.fixture
def manual_clock() -> Iterator[clock.ManualClock]:
    """Install a clock that only moves when the test moves it."""
    with clock.use_clock(clock.ManualClock(START)) as c:
        yield c  # type: ignore[misc]


@pytest.fixture(autouse=True)
def _fresh_calendar_cache() -> Iterator[None]:
    clear_cache()
    yield
    clear_cache()


@pytest.fixture(autouse=True)
def _fresh_scheduler() -> None:
    """Every test's jobs start as never run: the manual clock of one test may stop at the very
    instant another test's jobs last ran."""
    for job in REGISTRY.values():
        job.last_run = None


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """A rolled-back test may leave a cached page whose key the next test reaches again."""
    cache.clear()


@pytest.fixture
def verified_client(db) -> Callable[[User], Client]:  # type: ignore[no-untyped-def]
    """A browser session for ``user`` that has passed the second factor (TOTP)."""

    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        device = device_for(user)
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    return make


@pytest.fixture
def admin_user(db) -> User:  # type: ignore[no-untyped-def]
    return User.objects.create_superuser(username="admin", password="x-Admin-2026", role=Role.ADMIN)


@pytest.fixture
def admin_client(admin_user: User, verified_client: Callable[[User], Client]) -> Client:
    """pytest-django's admin_client, with the second factor passed as the admin needs it."""
    return verified_client(admin_user)
