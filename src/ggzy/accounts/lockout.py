"""Login lockout (登录锁定): an account locks after N failed logins from any addresses, an
address after M failed logins to any accounts. A lock ends by itself once the failures that
made it are older than the cool-off, or sooner when an administrator releases it
(``services.release_lockout``: the admin's action on 登录失败记录, or ``ggzy unlock``).

django-axes records the failures (one ``AccessAttempt`` row per account, address and
browser) and refuses a locked login before the password is checked. Axes compares one count
with one limit; this module is its handler (``settings.AXES_HANDLER``), which keeps one
limit per lockout parameter (``GGZY_LOGIN_ACCOUNT_FAILURE_LIMIT`` for ``username``,
``GGZY_LOGIN_ADDRESS_FAILURE_LIMIT`` for ``ip_address``), reads the time from
``kernel.clock``, and says what is locked and until when.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_lockout_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest

from ggzy.kernel import clock
from ggzy.kernel.errors import TooManyAttempts

ACCOUNT, ADDRESS = "username", "ip_address"  # axes' names of the lockout parameters


def limits() -> dict[str, int]:
    """Failed logins that lock, per lockout parameter."""
    return {
        ACCOUNT: settings.GGZY_LOGIN_ACCOUNT_FAILURE_LIMIT,
        ADDRESS: settings.GGZY_LOGIN_ADDRESS_FAILURE_LIMIT,
    }


def cool_off() -> timedelta:
    """How long a failed login counts (``AXES_COOLOFF_TIME``)."""
    return settings.AXES_COOLOFF_TIME


def attempts_left(counts: Mapping[str, int], limits: Mapping[str, int]) -> int:
    """Failures still allowed before the nearest limit is reached; 0 or less: locked."""
    return min(limit - counts.get(parameter, 0) for parameter, limit in limits.items())


def unlock_at(
    failures: Iterable[tuple[datetime, int]], limit: int, cool_off: timedelta
) -> datetime | None:
    """When a lock on these failures (each: when it last happened, how many) ends by itself,
    or None when they do not reach ``limit``. A failure counts while it is no older than
    ``cool_off``; the lock holds while the counted failures reach the limit, so it ends just
    after the instant returned."""
    if limit < 1:
        raise ValueError("a lockout limit is at least one failure")
    rows = sorted(failures)
    counted = sum(n for _, n in rows)
    if counted < limit:
        return None
    for at, n in rows:
        counted -= n
        if counted < limit:
            return at + cool_off
    raise AssertionError("unreachable: with no failures left the count is below the limit")


@dataclass(frozen=True)
class Lock:
    """An account or an address that may not log in now."""

    parameter: str  # ACCOUNT or ADDRESS
    value: str  # the user name or the address
    failures: int
    limit: int
    until: datetime  # unlocks by itself just after this instant

    @property
    def code(self) -> str:
        return "account_locked" if self.parameter == ACCOUNT else "address_locked"

    @property
    def message_zh(self) -> str:
        until = clock.local_text(self.until)
        if self.parameter == ACCOUNT:
            what = f"账号“{self.value}”登录失败已达 {self.limit} 次（不论来自哪个网络地址）"
        else:
            what = f"网络地址 {self.value} 登录失败已达 {self.limit} 次（不论登录哪个账号）"
        return (
            f"{what}，已被暂时锁定。锁定将于北京时间 {until} 后自动解除，"
            "也可联系系统管理员提前解除。"
        )

    @property
    def message_en(self) -> str:
        until = clock.local_text(self.until)
        if self.parameter == ACCOUNT:
            what = f"the account {self.value!r} has {self.limit} failed logins (from any address)"
        else:
            what = f"the address {self.value} has {self.limit} failed logins (to any account)"
        return (
            f"Locked for now: {what}. The lock ends by itself after {until} Beijing time, "
            "or sooner when an administrator releases it."
        )

    def error(self) -> TooManyAttempts:
        return TooManyAttempts(self.message_zh, self.message_en, code=self.code)


def _locks(parameter: str, failures: Mapping[str, Sequence[tuple[datetime, int]]]) -> list[Lock]:
    limit, wait = limits()[parameter], cool_off()
    locks = []
    for value, rows in sorted(failures.items()):
        if (until := unlock_at(rows, limit, wait)) is not None:
            locks.append(Lock(parameter, value, sum(n for _, n in rows), limit, until))
    return locks


def current_locks() -> list[Lock]:
    """Every account and address locked now: accounts first, then addresses."""
    rows = AccessAttempt.objects.filter(attempt_time__gte=clock.now() - cool_off())
    by: dict[str, dict[str, list[tuple[datetime, int]]]] = {
        ACCOUNT: defaultdict(list),
        ADDRESS: defaultdict(list),
    }
    for username, address, at, n in rows.values_list(
        "username", "ip_address", "attempt_time", "failures_since_start"
    ):
        if username is not None:
            by[ACCOUNT][username].append((at, n))
        if address is not None:
            by[ADDRESS][address].append((at, n))
    return _locks(ACCOUNT, by[ACCOUNT]) + _locks(ADDRESS, by[ADDRESS])


def locks_for(request: HttpRequest, credentials: Mapping[str, Any] | None) -> list[Lock]:
    """The locks that refuse this login: its account's, its address's, or both."""
    AxesProxyHandler.update_request(request)
    handler = AxesProxyHandler.get_implementation()
    if not isinstance(handler, LockoutHandler):  # pragma: no cover - misconfigured settings
        raise TypeError("settings.AXES_HANDLER must be ggzy.accounts.lockout.LockoutHandler")
    return handler.locks(request, credentials)


def check_login_allowed(request: HttpRequest, *, username: str) -> None:
    """Raise ``TooManyAttempts`` when ``username``, or the request's address, is locked: for
    logins that do not pass through Django's ``authenticate`` (certificate login)."""
    if locks := locks_for(request, {"username": username}):
        raise locks[0].error()


def _on_platform_clock(request: HttpRequest | None) -> None:
    """Stamp the attempt with ``kernel.clock`` instead of axes' wall clock, once per request:
    the cool-off then runs on the platform's time (tests and sandboxes move it)."""
    if request is not None and not getattr(request, "ggzy_clock_stamped", False):
        request.axes_attempt_time = clock.now()  # type: ignore[attr-defined]
        request.ggzy_clock_stamped = True  # type: ignore[attr-defined]


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with a limit per lockout parameter and the platform clock.

    Axes locks when ``get_failures(…) >= AXES_FAILURE_LIMIT``: ``get_failures`` answers the
    failures counted against the limit nearest to being reached, on the scale of
    ``AXES_FAILURE_LIMIT`` (that limit minus the attempts left), so axes' one comparison
    locks an account at its limit and an address at its own."""

    def parameter_attempts(
        self, request: HttpRequest, credentials: Mapping[str, Any] | None
    ) -> list[tuple[str, QuerySet[AccessAttempt]]]:
        """Each lockout parameter with its failures still within the cool-off."""
        parameters = get_lockout_parameters(request, credentials)
        unknown = [p for p in parameters if not isinstance(p, str) or p not in limits()]
        if unknown:  # pragma: no cover - misconfigured settings
            raise ValueError(f"AXES_LOCKOUT_PARAMETERS: no limit for {unknown}")
        attempts = self.get_user_attempts(request, credentials)
        return list(zip(parameters, attempts, strict=True))

    def get_failures(self, request: HttpRequest, credentials: Any = None) -> int:
        _on_platform_clock(request)
        counts = {
            parameter: sum(attempts.values_list("failures_since_start", flat=True))
            for parameter, attempts in self.parameter_attempts(request, credentials)
        }
        return int(settings.AXES_FAILURE_LIMIT) - attempts_left(counts, limits())

    def locks(self, request: HttpRequest, credentials: Mapping[str, Any] | None) -> list[Lock]:
        _on_platform_clock(request)
        found: list[Lock] = []
        for parameter, attempts in self.parameter_attempts(request, credentials):
            value = (
                get_client_username(request, credentials)
                if parameter == ACCOUNT
                else request.axes_ip_address  # type: ignore[attr-defined]
            )
            if value is None:
                continue
            rows = list(attempts.values_list("attempt_time", "failures_since_start"))
            found += _locks(parameter, {str(value): rows})
        return found

    def reset_user_attempts(self, request: HttpRequest, credentials: Any = None) -> int:
        """After a successful login forget the account's failures only: resetting the
        address's too would let one good password clear a spray of guesses at others."""
        username = get_client_username(request, credentials)
        if username is None:
            return 0
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count

    def post_save_access_attempt(self, instance: AccessAttempt, **kwargs: Any) -> None:
        """A new record's time is the platform clock's, not the wall clock's that its
        ``auto_now_add`` field took (updates already carry the request's stamped time)."""
        if kwargs.get("created"):
            instance.attempt_time = clock.now()
            AccessAttempt.objects.filter(pk=instance.pk).update(attempt_time=instance.attempt_time)

    def is_locked(self, request: HttpRequest, credentials: Any = None) -> bool:
        _on_platform_clock(request)
        return super().is_locked(request, credentials)

    def is_allowed(self, request: HttpRequest, credentials: Any = None) -> bool:
        _on_platform_clock(request)
        return super().is_allowed(request, credentials)

    def user_login_failed(
        self, sender: Any, credentials: Any, request: Any = None, **kwargs: Any
    ) -> None:
        _on_platform_clock(request)
        super().user_login_failed(sender, credentials, request, **kwargs)

    def user_logged_in(self, sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
        _on_platform_clock(request)
        super().user_logged_in(sender, request, user, **kwargs)

    def user_logged_out(self, sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
        _on_platform_clock(request)
        super().user_logged_out(sender, request, user, **kwargs)
