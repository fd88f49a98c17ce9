"""Trades as timelines, so that many can share one clock.

A timeline is a generator: it yields the moment at which it wants to go on, and does its next
steps when resumed there. It yields its first moment before doing anything. ``drive`` runs one
timeline alone (a scenario on an accelerated clock); ``interleave`` runs many in the order of
their moments, as a discrete-event simulation, up to a moment it asks for each time (the
living demo: history up to now, in the order it happened, so the ledger's times run forward).
After every move of the clock the scheduler's due jobs run, as the worker would.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Generator, Iterable
from datetime import datetime
from typing import Any, TypeVar

from ggzy.core.scheduler import run_due
from ggzy.kernel import clock

T = TypeVar("T")
Timeline = Generator[datetime, None, T]


def move(manual: clock.ManualClock, moment: datetime) -> None:
    """Set the clock forward to ``moment`` (never back) and run what fell due."""
    if moment > manual.now():
        manual.set(moment)
        run_due()


def drive(timeline: Timeline[T], manual: clock.ManualClock) -> T:
    """Run one timeline to its end on ``manual``; return what it returns."""
    try:
        moment = next(timeline)
        while True:
            move(manual, moment)
            moment = timeline.send(None)
    except StopIteration as done:
        return done.value


def alone(timeline: Callable[[], Timeline[T]]) -> T:
    """Run a timeline on a clock of its own that starts now (a scenario)."""
    manual = clock.ManualClock(clock.now().replace(microsecond=0))
    with clock.use_clock(manual):
        return drive(timeline(), manual)


def interleave(
    timelines: Iterable[tuple[str, Timeline[Any]]],
    manual: clock.ManualClock,
    until: Callable[[], datetime],
) -> dict[str, Any]:
    """Run the timelines on ``manual``, always the one whose moment comes first, while that
    moment is not after ``until()``. A timeline whose next moment lies beyond it is closed
    there: what it would do later is left to the live platform. Returns what each finished
    timeline returned, by name."""
    queue: list[tuple[datetime, int, str, Timeline[Any]]] = []
    for order, (name, timeline) in enumerate(timelines):
        heapq.heappush(queue, (next(timeline), order, name, timeline))
    finished: dict[str, Any] = {}
    while queue:
        moment, order, name, timeline = heapq.heappop(queue)
        if moment > until():
            timeline.close()
            continue
        move(manual, moment)
        try:
            heapq.heappush(queue, (timeline.send(None), order, name, timeline))
        except StopIteration as done:
            finished[name] = done.value
    return finished
