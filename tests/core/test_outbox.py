"""The outbox: a rollback sends nothing; a committed message is delivered once, at the commit
or by the worker; a failing channel is retried with growing pauses and nothing is lost."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ggzy.core import outbox, scheduler
from ggzy.core.models import OutboxMessage
from ggzy.kernel import clock

pytestmark = pytest.mark.django_db

carried: list[int] = []  # what the test channel has carried, by message id


@outbox.handler("tests.channel")
def channel(message: OutboxMessage) -> None:
    """A channel that fails the first ``fail`` attempts of a message (and dies at once when
    told to, as a worker killed in the middle of a delivery)."""
    if message.payload.get("die_on") == message.attempts:
        raise SystemExit("the deliverer died")
    if message.attempts <= message.payload.get("fail", 0):
        raise ConnectionError("the gateway is down")
    carried.append(message.pk)


@pytest.fixture(autouse=True)
def _clear() -> Iterator[None]:
    carried.clear()
    yield
    carried.clear()


class Boom(Exception):
    pass


def enqueue_then_fail() -> None:
    with transaction.atomic():
        outbox.enqueue("tests.channel", {"n": 1})
        raise Boom


def test_a_rollback_sends_nothing(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Boom):
        enqueue_then_fail()
    assert callbacks == []
    assert not OutboxMessage.objects.exists()
    assert outbox.deliver_due() == (0, 0)
    assert carried == []


def test_a_commit_delivers_at_once_and_only_once(
    django_capture_on_commit_callbacks: Any, manual_clock: clock.ManualClock
) -> None:
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        message = outbox.enqueue("tests.channel", {"n": 1})
        assert carried == []  # nothing leaves before the commit
    assert carried == [message.pk]
    message.refresh_from_db()
    assert message.delivered_at == clock.now() and message.attempts == 1
    assert outbox.deliver_due() == (0, 0)
    assert outbox.deliver(message.pk) is None
    assert carried == [message.pk]


def test_the_worker_delivers_each_message_once(manual_clock: clock.ManualClock) -> None:
    messages = [outbox.enqueue("tests.channel", {"n": n}) for n in range(3)]
    assert "outbox.deliver" in scheduler.run_due()
    assert carried == [m.pk for m in messages]
    manual_clock.advance(timedelta(hours=2))
    assert outbox.deliver_due() == (0, 0)
    assert carried == [m.pk for m in messages]


def test_a_failing_channel_is_retried_with_growing_pauses(
    manual_clock: clock.ManualClock,
) -> None:
    failing = outbox.enqueue("tests.channel", {"fail": 2})
    working = outbox.enqueue("tests.channel", {})
    assert outbox.deliver_due() == (1, 1)  # one failure does not hold the others up
    assert carried == [working.pk]
    failing.refresh_from_db()
    assert failing.delivered_at is None and failing.attempts == 1
    assert failing.last_error == "ConnectionError: the gateway is down"
    assert failing.due_at == manual_clock.now() + timedelta(seconds=30)
    assert outbox.deliver_due() == (0, 0)  # not before its pause is over
    manual_clock.advance(timedelta(seconds=30))
    assert outbox.deliver_due() == (0, 1)
    failing.refresh_from_db()
    assert failing.due_at == manual_clock.now() + timedelta(seconds=60)
    manual_clock.advance(timedelta(seconds=60))
    assert outbox.deliver_due() == (1, 0)
    failing.refresh_from_db()
    assert failing.delivered_at == manual_clock.now() and failing.last_error == ""
    assert carried == [working.pk, failing.pk]


def test_a_message_whose_deliverer_died_is_delivered_after_the_lease(
    manual_clock: clock.ManualClock,
) -> None:
    message = outbox.enqueue("tests.channel", {"die_on": 1})
    with pytest.raises(SystemExit):
        outbox.deliver_due()
    assert outbox.deliver_due() == (0, 0)  # still claimed by the dead deliverer
    manual_clock.advance(outbox.LEASE)
    assert outbox.deliver_due() == (1, 0)
    assert carried == [message.pk]


def test_an_unknown_kind_is_refused_with_the_change() -> None:
    with pytest.raises(ValueError, match="no outbox handler"):
        outbox.enqueue("tests.nobody", {})


def test_a_message_without_a_handler_waits_rather_than_being_lost(
    manual_clock: clock.ManualClock,
) -> None:
    """A kind whose handler is gone (a rename, say) fails and stays, to be delivered once the
    handler is back."""
    message = outbox.enqueue("tests.channel", {})
    OutboxMessage.objects.filter(pk=message.pk).update(kind="tests.renamed")
    assert outbox.deliver_due() == (0, 1)
    assert "no outbox handler for 'tests.renamed'" in OutboxMessage.objects.get().last_error
    outbox.HANDLERS["tests.renamed"] = channel
    try:
        manual_clock.advance(timedelta(seconds=30))
        assert outbox.deliver_due() == (1, 0)
    finally:
        del outbox.HANDLERS["tests.renamed"]


@given(attempts=st.integers(1, 40))
def test_retry_pauses_grow_and_stay_bounded(attempts: int) -> None:
    pause = outbox.retry_pause(attempts)
    assert outbox.FIRST_RETRY <= pause <= outbox.LONGEST_PAUSE
    assert pause <= outbox.retry_pause(attempts + 1)
    assert outbox.retry_pause(1) == outbox.FIRST_RETRY


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(failures=st.lists(st.integers(0, 4), min_size=1, max_size=6))
def test_every_message_is_delivered_exactly_once_whatever_fails(
    manual_clock: clock.ManualClock, failures: list[int]
) -> None:
    carried.clear()
    ids = [outbox.enqueue("tests.channel", {"fail": n}).pk for n in failures]
    for _ in range(max(failures) + 1):
        outbox.deliver_due()
        manual_clock.advance(outbox.LONGEST_PAUSE)
    assert sorted(carried) == sorted(ids)
    assert not OutboxMessage.objects.filter(pk__in=ids, delivered_at__isnull=True).exists()
