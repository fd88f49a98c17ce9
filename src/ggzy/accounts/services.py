"""Write path for accounts: API tokens (接入令牌), releasing login locks, notifications."""

from __future__ import annotations

import hashlib
import ipaddress
import secrets
from collections.abc import Sequence
from datetime import timedelta

from axes.handlers.proxy import AxesProxyHandler
from django.db import transaction

from ggzy.accounts import events
from ggzy.core.services import record
from ggzy.kernel import clock
from ggzy.kernel.errors import Forbidden, InvalidInput, NotFound

from .models import ApiToken, Notification, User
from .selectors import is_administrator

TOKEN_PREFIX = "ggzy"  # noqa: S105 — a public marker, not a secret
MAX_TOKEN_DAYS = 366


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def create_token(
    *, user: User, name: str, scopes: Sequence[str], days: int
) -> tuple[ApiToken, str]:
    """Create a token; return it and the full secret, which is shown once and never stored."""
    valid_scopes = set(ApiToken.Scope.values)
    if not scopes or not set(scopes) <= valid_scopes:
        raise InvalidInput(
            f"权限范围须为 {sorted(valid_scopes)} 中的一个或多个",
            f"scopes must be one or more of {sorted(valid_scopes)}",
            field="scopes",
        )
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise InvalidInput(
            f"有效期须为 1 至 {MAX_TOKEN_DAYS} 天",
            f"validity must be 1 to {MAX_TOKEN_DAYS} days",
            field="days",
        )
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    now = clock.now()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=prefix,
        digest=_digest(secret),
        scopes=sorted(set(scopes)),
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    record(
        events.TOKEN_CREATED,
        subject=f"token:{prefix}",
        actor=user.actor,
        payload={"name": name, "scopes": token.scopes, "expires_at": token.expires_at},
    )
    return token, f"{TOKEN_PREFIX}_{prefix}_{secret}"


@transaction.atomic
def revoke_token(*, user: User, prefix: str) -> ApiToken:
    token = ApiToken.objects.select_for_update().filter(prefix=prefix).first()
    if token is None:
        raise NotFound("令牌不存在", "no such token", field="prefix")
    if token.user_id != user.pk:
        raise Forbidden("只能撤销自己的令牌", "you can revoke only your own tokens")
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at"])
        record(events.TOKEN_REVOKED, subject=f"token:{prefix}", actor=user.actor, payload={})
    return token


LAST_USED_RESOLUTION = timedelta(minutes=1)


def authenticate_token(raw: str) -> ApiToken | None:
    """Return the live token for ``raw``, or None (unknown, revoked, expired or malformed)."""
    parts = raw.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=parts[1]).first()
    if token is None or not secrets.compare_digest(token.digest, _digest(parts[2])):
        return None
    now = clock.now()
    if token.revoked_at is not None or token.expires_at <= now or not token.user.is_active:
        return None
    # "Last used" to the minute: not a database write on every request of a busy client.
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


@transaction.atomic
def release_lockout(
    *, by: User | str, username: str = "", ip_address: str = "", ip: str | None = None
) -> int:
    """Release a login lock (解除登录锁定) before its cool-off ends: forget the failed logins
    of an account (from every address) or of an address (to every account); return how many
    records of failures were forgotten. ``by`` is the administrator who releases it, or, from
    the command line (which has the database already), the ledger actor ``cli:<login>``."""
    if isinstance(by, User):
        if not is_administrator(by):
            raise Forbidden(
                "只有系统管理员可以解除登录锁定", "only an administrator may release a login lock"
            )
        actor = by.actor
    else:
        actor = by
    username, ip_address = username.strip(), ip_address.strip()
    if bool(username) == bool(ip_address):
        raise InvalidInput(
            "请给出要解锁的账号或网络地址（二者之一）",
            "give the account or the network address to release (one of them)",
            field="username",
        )
    if ip_address:
        try:
            ip_address = str(ipaddress.ip_address(ip_address))
        except ValueError:
            raise InvalidInput(
                f"“{ip_address}”不是有效的网络地址",
                f"{ip_address!r} is not a valid network address",
                field="ip_address",
            ) from None
    forgotten = AxesProxyHandler.reset_attempts(
        username=username or None, ip_address=ip_address or None
    )
    if not forgotten:
        what_zh, what_en = (
            (f"账号“{username}”", f"the account {username!r}")
            if username
            else (f"网络地址 {ip_address}", f"the address {ip_address}")
        )
        raise NotFound(
            f"{what_zh}没有登录失败记录，无需解锁",
            f"{what_en} has no failed logins on record: there is nothing to release",
            code="not_locked",
        )
    record(
        events.LOGIN_LOCK_RELEASED,
        subject=f"account:{username}" if username else f"address:{ip_address}",
        actor=actor,
        ip=ip,
        payload={
            "username": username or None,
            "ip_address": ip_address or None,
            "records_forgotten": forgotten,
        },
    )
    return forgotten


def notify(
    *, user: User, kind: str, message_zh: str, message_en: str = "", url: str = "", key: str = ""
) -> Notification | None:
    """Send an in-app notification; with ``key``, send it at most once per user."""
    if key and Notification.objects.filter(recipient=user, key=key).exists():
        return None
    return Notification.objects.create(
        recipient=user,
        kind=kind,
        message_zh=message_zh,
        message_en=message_en,
        url=url,
        key=key,
        created_at=clock.now(),
    )
