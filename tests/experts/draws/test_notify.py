"""Drawn experts are told after the draw commits, through the outbox: one message per expert
and provider, each delivered once; a draw that fails sends nothing; a failing provider is
retried on its own."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction

from ggzy.accounts.models import Notification
from ggzy.core import outbox
from ggzy.core.models import OutboxMessage
from ggzy.experts import notify
from ggzy.experts.models import DrawAttempt, Invitation
from ggzy.experts.services import draw
from ggzy.kernel import clock

pytestmark = pytest.mark.django_db

HERE = __name__
sent: list[tuple[int, str]] = []  # (expert, key) as the recording provider got them
down: set[str] = set()  # keys the flaky provider has refused once


def recording(message: notify.Message) -> None:
    sent.append((message.expert.pk, message.key))


def flaky(message: notify.Message) -> None:
    """An SMS gateway that refuses each message the first time."""
    if message.key not in down:
        down.add(message.key)
        raise ConnectionError("SMS gateway timed out")
    recording(message)


@pytest.fixture(autouse=True)
def _providers(settings: Any) -> Iterator[None]:
    settings.GGZY_NOTIFY_PROVIDERS = ("in_app", f"{HERE}.recording")
    sent.clear()
    down.clear()
    yield
    sent.clear()
    down.clear()


def invited_notes() -> Any:
    return Notification.objects.filter(kind="expert.invited")


def test_a_draw_queues_its_notifications_and_they_leave_once_after_commit(
    manual_clock: clock.ManualClock,
    pool: Any,
    request_for: Callable[..., Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    request = request_for()
    with django_capture_on_commit_callbacks() as callbacks:
        draw.draw(user=request.created_by, request_id=request.pk)
    invited = set(Invitation.objects.filter(request=request).values_list("expert_id", flat=True))
    assert len(invited) == 7
    queued = OutboxMessage.objects.filter(kind=notify.OUTBOX_KIND)
    assert queued.count() == 7 * 2  # per expert, per provider
    assert not invited_notes().exists() and sent == []  # nothing left inside the draw
    for callback in callbacks:  # the commit delivers them at once
        callback()
    assert set(invited_notes().values_list("recipient__expert__pk", flat=True)) == invited
    assert invited_notes().count() == 7
    assert sorted(e for e, _ in sent) == sorted(invited)
    assert not queued.filter(delivered_at__isnull=True).exists()
    # The worker finds nothing more to do; a repeat delivery changes nothing.
    manual_clock.advance(outbox.LEASE)
    assert outbox.deliver_due() == (0, 0)
    assert invited_notes().count() == 7 and len(sent) == 7


class Boom(Exception):
    pass


def draw_then_fail(request: Any) -> None:
    with transaction.atomic():
        draw.draw(user=request.created_by, request_id=request.pk)
        assert OutboxMessage.objects.count() == 7 * 2  # queued, then the transaction fails
        raise Boom


def test_a_draw_that_fails_after_queueing_sends_nothing(
    manual_clock: clock.ManualClock,
    pool: Any,
    request_for: Callable[..., Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    request = request_for()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Boom):
        draw_then_fail(request)
    assert callbacks == []
    assert not DrawAttempt.objects.filter(request=request).exists()
    assert not OutboxMessage.objects.exists()
    assert outbox.deliver_due() == (0, 0)
    assert not invited_notes().exists() and sent == []


def test_a_failing_provider_is_retried_without_repeating_the_others(
    settings: Any, manual_clock: clock.ManualClock, pool: Any, request_for: Callable[..., Any]
) -> None:
    settings.GGZY_NOTIFY_PROVIDERS = ("in_app", f"{HERE}.flaky")
    request = request_for()
    draw.draw(user=request.created_by, request_id=request.pk)
    assert outbox.deliver_due() == (7, 7)  # in-app delivered, every SMS refused
    assert invited_notes().count() == 7 and sent == []
    failed = OutboxMessage.objects.filter(delivered_at__isnull=True)
    assert {m.payload["provider"] for m in failed} == {f"{HERE}.flaky"}
    assert all("SMS gateway timed out" in m.last_error for m in failed)
    manual_clock.advance(outbox.retry_pause(1))
    assert outbox.deliver_due() == (7, 0)
    assert invited_notes().count() == 7 and len(sent) == 7
    assert len({key for _, key in sent}) == 7  # each with its own idempotency key
    manual_clock.advance(timedelta(days=1))
    assert outbox.deliver_due() == (0, 0)
