"""Login lockout: an account locks after N failures from any addresses, an address after M
failures to any accounts; the message says what is locked and how it ends; a lock ends by
itself after the cool-off (on the platform clock) or when an administrator releases it."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.test import Client

from ggzy.accounts import lockout
from ggzy.accounts.models import User
from ggzy.accounts.services import release_lockout
from ggzy.cli import main
from ggzy.core.models import LedgerEntry
from ggzy.kernel import clock
from ggzy.kernel.errors import Forbidden, InvalidInput, NotFound

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

HOME = "10.1.0.1"


@pytest.fixture(autouse=True)
def _fast_hashing(settings: Any) -> None:
    """Dozens of failed logins each hash a password: a fast hasher keeps the module quick
    (the lockout does not depend on the hasher)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def login(client: Client, username: str, password: str = PASSWORD, *, at: str = HOME) -> Any:
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=at
    )


def logged_in(response: Any) -> bool:
    return response.status_code == 302 and response["Location"] == "/workspace/"


def address(i: int) -> str:
    return f"10.2.{i // 250}.{i % 250 + 1}"


def lock_account(client: Client, username: str, settings: Any) -> None:
    """N failures for ``username``, each from an address of its own."""
    for i in range(settings.GGZY_LOGIN_ACCOUNT_FAILURE_LIMIT):
        login(client, username, "wrong", at=address(i))


def test_account_locks_after_n_failures_from_n_addresses(
    client: Client, entity_user: User, settings: Any
) -> None:
    n = settings.GGZY_LOGIN_ACCOUNT_FAILURE_LIMIT
    for i in range(n - 1):
        assert login(client, "bidder", "wrong", at=address(i)).status_code == 200
    lock_account(client, "bidder", settings)
    response = login(client, "bidder", at="10.9.9.9")  # the right password, a fresh address
    assert response.status_code == 429
    page = response.content.decode()
    assert 'id="lock-account_locked"' in page and "bidder" in page
    assert 'id="lock-address_locked"' not in page
    # Another account from the same fresh address is not touched.
    User.objects.create_user(username="other", password=PASSWORD)
    assert logged_in(login(Client(), "other", at="10.9.9.9"))


def test_address_locks_after_m_failures_across_accounts(
    client: Client, entity_user: User, settings: Any
) -> None:
    m = settings.GGZY_LOGIN_ADDRESS_FAILURE_LIMIT
    assert m > settings.GGZY_LOGIN_ACCOUNT_FAILURE_LIMIT  # one failure per account locks none
    for i in range(m - 1):
        login(client, f"guess{i}", "wrong")
    assert logged_in(login(Client(), "bidder"))  # below the limit a good password still works
    login(client, f"guess{m}", "wrong")
    response = login(Client(), "bidder")
    assert response.status_code == 429
    page = response.content.decode()
    assert 'id="lock-address_locked"' in page and HOME in page
    assert 'id="lock-account_locked"' not in page
    assert logged_in(login(Client(), "bidder", at="10.9.9.9"))  # the account is not locked


def test_the_message_says_what_is_locked_until_when_and_who_can_release_it(
    client: Client, entity_user: User, settings: Any, manual_clock: clock.ManualClock
) -> None:
    lock_account(client, "bidder", settings)
    until = clock.local_text(manual_clock.now() + lockout.cool_off())
    page = login(client, "bidder").content.decode()
    assert f"账号“bidder”登录失败已达 {settings.GGZY_LOGIN_ACCOUNT_FAILURE_LIMIT} 次" in page
    assert f"锁定将于北京时间 {until} 后自动解除" in page and "系统管理员" in page
    assert f"ends by itself after {until} Beijing time" in page and "administrator" in page
    # The login page states the limits as configured.
    settings.GGZY_LOGIN_ADDRESS_FAILURE_LIMIT = 37
    form = Client().get("/accounts/login/").content.decode()
    assert "登录失败 37 次" in form
    english = Client().get("/accounts/login/", headers={"accept-language": "en"})
    assert "or 37 from one network address" in english.content.decode()


def test_a_lock_ends_by_itself_after_the_cool_off(
    client: Client, entity_user: User, settings: Any, manual_clock: clock.ManualClock
) -> None:
    lock_account(client, "bidder", settings)
    manual_clock.advance(lockout.cool_off())
    # Refused attempts during the lock do not push its end further.
    assert login(client, "bidder").status_code == 429
    manual_clock.advance(timedelta(seconds=1))
    assert logged_in(login(client, "bidder"))
    assert not AccessAttempt.objects.filter(username="bidder").exists()  # reset on success


def test_an_address_lock_ends_with_its_oldest_failures(
    entity_user: User, settings: Any, manual_clock: clock.ManualClock
) -> None:
    """Failures age out one by one: the lock ends when too few of them are left."""
    client = Client()
    m = settings.GGZY_LOGIN_ADDRESS_FAILURE_LIMIT
    login(client, "early", "wrong")
    manual_clock.advance(timedelta(minutes=10))
    for i in range(m - 1):
        login(client, f"late{i}", "wrong")
    (lock,) = lockout.current_locks()
    assert (lock.parameter, lock.value, lock.failures) == (lockout.ADDRESS, HOME, m)
    first_failure = manual_clock.now() - timedelta(minutes=10)
    assert lock.until == first_failure + lockout.cool_off()
    manual_clock.set(lock.until + timedelta(seconds=1))
    assert logged_in(login(client, "bidder"))


def test_an_administrator_releases_a_lock_in_the_ledger(
    client: Client, entity_user: User, admin_user: User, centre_user: User, settings: Any
) -> None:
    lock_account(client, "bidder", settings)
    with pytest.raises(Forbidden):
        release_lockout(by=centre_user, username="bidder")
    with pytest.raises(InvalidInput):
        release_lockout(by=admin_user, username="bidder", ip_address=HOME)
    with pytest.raises(InvalidInput):
        release_lockout(by=admin_user, ip_address="not-an-address")
    assert login(client, "bidder").status_code == 429
    forgotten = release_lockout(by=admin_user, username="bidder", ip="10.0.0.7")
    assert forgotten == settings.GGZY_LOGIN_ACCOUNT_FAILURE_LIMIT
    entry = LedgerEntry.objects.get(kind="login.lock_released")
    assert entry.subject == "account:bidder" and entry.actor == admin_user.actor
    assert json.loads(entry.body)["records_forgotten"] == forgotten
    assert logged_in(login(client, "bidder"))
    with pytest.raises(NotFound):  # nothing left to release
        release_lockout(by=admin_user, username="bidder")
    assert LedgerEntry.objects.filter(kind="login.lock_released").count() == 1


def test_an_administrator_releases_an_address_from_the_admin(
    entity_user: User, admin_client: Client, settings: Any
) -> None:
    for i in range(settings.GGZY_LOGIN_ADDRESS_FAILURE_LIMIT):
        login(Client(), f"guess{i}", "wrong")
    assert login(Client(), "bidder").status_code == 429
    row = AccessAttempt.objects.filter(ip_address=HOME).first()
    assert row is not None
    url = "/admin/axes/accessattempt/"
    page = admin_client.get(url).content.decode()
    assert "release_addresses" in page and "delete_selected" not in page
    admin_client.post(url, {"action": "release_addresses", "_selected_action": [row.pk]})
    entry = LedgerEntry.objects.get(kind="login.lock_released")
    assert entry.subject == f"address:{HOME}" and entry.actor.endswith(":admin")
    assert logged_in(login(Client(), "bidder"))


def test_ggzy_unlock_lists_and_releases_locks(
    client: Client, entity_user: User, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    lock_account(client, "bidder", settings)
    assert main(["unlock"]) == 0
    out = capsys.readouterr().out
    assert "账号 account  bidder" in out and "当前锁定 1 个" in out
    assert main(["unlock", "--user", "bidder"]) == 0
    assert "released" in capsys.readouterr().out
    assert LedgerEntry.objects.get(kind="login.lock_released").actor.startswith("cli:")
    assert main(["unlock", "--user", "bidder"]) == 1
    err = capsys.readouterr().err
    assert "无需解锁" in err and "nothing to release" in err
    assert logged_in(login(client, "bidder"))


def test_a_success_forgets_the_accounts_failures_but_not_the_addresss(
    client: Client, entity_user: User, settings: Any
) -> None:
    """Logging in clears its own account's failures; a spray of guesses at other accounts
    from the same address keeps counting, so one good password cannot hide it."""
    n = settings.GGZY_LOGIN_ACCOUNT_FAILURE_LIMIT
    m = settings.GGZY_LOGIN_ADDRESS_FAILURE_LIMIT
    for _ in range(n - 1):
        login(client, "bidder", "wrong")
    for i in range(m - n):
        login(client, f"guess{i}", "wrong")
    assert logged_in(login(Client(), "bidder"))
    assert not AccessAttempt.objects.filter(username="bidder").exists()
    for i in range(n - 1):
        login(client, f"again{i}", "wrong")
    assert lockout.current_locks() == []
    login(client, "again-last", "wrong")
    assert [lock.parameter for lock in lockout.current_locks()] == [lockout.ADDRESS]
