"""The event dispatcher: subscribers react inside the recording transaction, with the
records acted on, and a failing reaction rolls the whole change back."""

from collections.abc import Iterator

import pytest
from django.db import transaction

from ggzy.core import events
from ggzy.core.models import LedgerEntry
from ggzy.core.services import record

pytestmark = pytest.mark.django_db(transaction=True)

KIND = "test.thing_happened"


@pytest.fixture
def seen() -> Iterator[list[events.Event]]:
    got: list[events.Event] = []
    events.subscribe(KIND, got.append)
    events.subscribe(KIND, got.append)  # a repeated subscription counts once
    yield got
    events.unsubscribe(KIND, got.append)


def test_a_subscriber_gets_the_entry_and_the_objects(seen: list[events.Event]) -> None:
    thing = object()
    entry = record(KIND, subject="thing:1", payload={"n": 1}, objects={"thing": thing})
    record("test.other_kind", subject="thing:2", payload={})
    assert [e.entry.seq for e in seen] == [entry.seq]
    assert seen[0].objects["thing"] is thing and seen[0].kind == KIND


def test_a_failing_reaction_rolls_the_change_back() -> None:
    def refuse(event: events.Event) -> None:
        raise RuntimeError("no")

    events.subscribe(KIND, refuse)
    before = LedgerEntry.objects.count()
    try:
        with pytest.raises(RuntimeError), transaction.atomic():
            record(KIND, subject="thing:1", payload={})
    finally:
        events.unsubscribe(KIND, refuse)
    assert LedgerEntry.objects.count() == before
