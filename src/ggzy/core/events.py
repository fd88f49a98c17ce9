"""One dispatcher for reactions to ledger events (事件).

A service witnesses every change with a ledger entry (``core.services.record``). An app that
must react to another app's change in the same transaction subscribes to the entry's kind
here, from its ``AppConfig.ready``, instead of being imported by that app: the app that
records stays below the one that reacts, and the import graph keeps no cycle.

A handler gets an :class:`Event`: the entry, and the records the service acted on
(``objects``), so it does not have to look them up again. Handlers run inside the recording
transaction, after the entry is appended, in subscription order; an error in one rolls the
whole change back. Outside effects (messages, bank instructions) do not belong here: they
leave after the commit, from the outbox.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import LedgerEntry


@dataclass(frozen=True)
class Event:
    entry: LedgerEntry
    objects: Mapping[str, Any] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return self.entry.kind


Handler = Callable[[Event], object]

_handlers: defaultdict[str, list[Handler]] = defaultdict(list)


def subscribe(kind: str, handler: Handler) -> None:
    """Call ``handler`` for every entry of ``kind`` from now on (once, however often the
    subscription is repeated)."""
    if handler not in _handlers[kind]:
        _handlers[kind].append(handler)


def unsubscribe(kind: str, handler: Handler) -> None:
    if handler in _handlers.get(kind, ()):
        _handlers[kind].remove(handler)


def subscribers(kind: str) -> list[Handler]:
    return list(_handlers.get(kind, ()))


def publish(entry: LedgerEntry, objects: Mapping[str, Any] | None = None) -> None:
    event = Event(entry, objects or {})
    for handler in subscribers(entry.kind):
        handler(event)


# The core app's own kinds (``docs/events.md`` lists every app's).

LEDGER_CHECKPOINT = "ledger.checkpoint"
"""A finished local day's Merkle root was published (每日检查点). Recorded by
``services.write_checkpoints``."""
