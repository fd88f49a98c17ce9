"""The only source of "now" in ggzy.

Code never calls ``datetime.now()``; it calls ``clock.now()``. Tests and demo scenarios
replace the process clock with a ``ManualClock`` (or shift it with an offset) and move
time forward instead of sleeping.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    """Wall-clock time, optionally shifted by a fixed offset (an accelerated sandbox)."""

    def __init__(self, offset: timedelta = timedelta(0)) -> None:
        self.offset = offset

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


class ManualClock:
    """A clock that only moves when told to."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs a timezone-aware start")
        self._now = start
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, delta: timedelta) -> datetime:
        if delta < timedelta(0):
            raise ValueError("time does not run backwards")
        with self._lock:
            self._now += delta
            return self._now

    def set(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("need a timezone-aware moment")
        with self._lock:
            self._now = moment


_clock: Clock = SystemClock()


def now() -> datetime:
    """The current instant, timezone-aware (UTC)."""
    return _clock.now()


def local_now() -> datetime:
    """The current instant in Asia/Shanghai, for display and day boundaries."""
    return _clock.now().astimezone(SHANGHAI)


def local_text(at: datetime) -> str:
    """An instant as people read it here: ``2026-12-20 09:30:00`` in Asia/Shanghai."""
    return at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")


def today() -> date:
    """Today's date in Asia/Shanghai (statutory days count in local dates)."""
    return local_now().date()


def get_clock() -> Clock:
    return _clock


def set_clock(clock: Clock) -> Clock:
    """Install ``clock`` as the process clock; return the previous one."""
    global _clock
    previous, _clock = _clock, clock
    return previous


@contextmanager
def use_clock(clock: Clock) -> Iterator[Clock]:
    previous = set_clock(clock)
    try:
        yield clock
    finally:
        set_clock(previous)
