"""The transactional outbox (待发消息): outside effects leave only after their change commits.

A service that must tell the outside world something (notify an expert by SMS, instruct a
bank) calls ``enqueue(kind, payload)`` inside its transaction: the message is a row written
with the change, so a rollback sends nothing. After the commit it is delivered by the handler
registered for its kind — at once (``transaction.on_commit``) and, failing that, by the
worker's ``outbox.deliver`` job, which retries with growing pauses until it succeeds: no
committed message is ever lost, and a delivered one is never delivered again.

Delivery runs outside any transaction, so a slow provider holds no database lock. A
deliverer first claims the message for ``LEASE`` (so two deliverers never send it twice);
if it dies in the middle, the message is due again when the lease ends. A handler may
therefore, rarely, see a message twice (the provider answered but the deliverer died
before recording it): it passes ``message.pk`` on as an idempotency key — the in-app
channel keeps one notification per key; an SMS gateway is given the key too.

Register a handler with ``@handler("app.kind")`` in the module that enqueues that kind.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F

from ggzy.kernel import clock

from .models import OutboxMessage

log = logging.getLogger("ggzy.outbox")

Handler = Callable[[OutboxMessage], None]
HANDLERS: dict[str, Handler] = {}

LEASE = timedelta(minutes=5)  # a claimed message is due again after this, if not delivered
FIRST_RETRY = timedelta(seconds=30)
LONGEST_PAUSE = timedelta(hours=1)
BATCH = 200


def handler(kind: str) -> Callable[[Handler], Handler]:
    """Register the function that delivers messages of ``kind``."""

    def register(fn: Handler) -> Handler:
        HANDLERS[kind] = fn
        return fn

    return register


def retry_pause(attempts: int) -> timedelta:
    """The pause after the ``attempts``-th failed delivery: 30 s, doubling, at most an hour."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_PAUSE)


def enqueue(kind: str, payload: Mapping[str, Any]) -> OutboxMessage:
    """Queue a message inside the caller's transaction; it is delivered after the commit."""
    if kind not in HANDLERS:
        raise ValueError(f"no outbox handler for {kind!r}")
    now = clock.now()
    message = OutboxMessage.objects.create(
        kind=kind, payload=dict(payload), created_at=now, due_at=now
    )
    if settings.GGZY_OUTBOX_DELIVER_ON_COMMIT:
        transaction.on_commit(lambda: deliver(message.pk), robust=True)
    return message


def _claim(message_id: int) -> OutboxMessage | None:
    """Take the message for one delivery attempt, or None if it is delivered, not due, or
    another deliverer holds it. One conditional update: atomic on every database."""
    now = clock.now()
    claimed = OutboxMessage.objects.filter(
        pk=message_id, delivered_at__isnull=True, due_at__lte=now
    ).update(due_at=now + LEASE, attempts=F("attempts") + 1)
    return OutboxMessage.objects.get(pk=message_id) if claimed else None


def deliver(message_id: int) -> bool | None:
    """Try to deliver one message: True when delivered, False when it failed (it will be
    retried), None when there was nothing to do (delivered already, not due, or claimed)."""
    message = _claim(message_id)
    if message is None:
        return None
    try:
        fn = HANDLERS.get(message.kind)
        if fn is None:
            raise LookupError(f"no outbox handler for {message.kind!r}")
        fn(message)
    except Exception as exc:
        pause = retry_pause(message.attempts)
        OutboxMessage.objects.filter(pk=message.pk).update(
            due_at=clock.now() + pause, last_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        log.warning(
            "outbox message %s (%s) failed, attempt %d; next in %s: %s",
            message.pk,
            message.kind,
            message.attempts,
            pause,
            exc,
        )
        return False
    OutboxMessage.objects.filter(pk=message.pk).update(delivered_at=clock.now(), last_error="")
    return True


def deliver_due(limit: int = BATCH) -> tuple[int, int]:
    """Deliver the messages that are due, oldest first; return (delivered, failed)."""
    due = OutboxMessage.objects.filter(delivered_at__isnull=True, due_at__lte=clock.now())
    delivered = failed = 0
    for message_id in due.order_by("due_at", "id").values_list("id", flat=True)[:limit]:
        outcome = deliver(message_id)
        delivered += outcome is True
        failed += outcome is False
    return delivered, failed
