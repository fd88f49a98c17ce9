"""Timelines share one clock: each step runs at its moment, in the order of the moments, and
nothing runs after the moment asked for."""

from datetime import timedelta
from typing import Any

from ggzy.demo.timeline import Timeline, drive, interleave
from ggzy.kernel import clock


def _steps(name: str, offsets: list[int], log: list[tuple[str, int]]) -> Timeline[str]:
    start = clock.now()
    for offset in offsets:
        yield start + timedelta(hours=offset)
        log.append((name, offset))
    return name


def test_drive_runs_each_step_at_its_moment(db: Any, manual_clock: clock.ManualClock) -> None:
    start = clock.now()
    seen: list[tuple[str, int]] = []
    assert drive(_steps("a", [0, 5, 2, 9], seen), manual_clock) == "a"
    assert seen == [("a", 0), ("a", 5), ("a", 2), ("a", 9)]
    assert clock.now() == start + timedelta(hours=9)  # never set back


def test_interleave_runs_in_the_order_of_moments_up_to_the_end(
    db: Any, manual_clock: clock.ManualClock
) -> None:
    start = clock.now()
    seen: list[tuple[str, int]] = []
    end = start + timedelta(hours=6)
    finished = interleave(
        [("a", _steps("a", [1, 4, 8], seen)), ("b", _steps("b", [0, 2, 3], seen))],
        manual_clock,
        lambda: end,
    )
    assert seen == [("b", 0), ("a", 1), ("b", 2), ("b", 3), ("a", 4)]
    assert finished == {"b": "b"}  # a's last step lies beyond the end: left undone
    assert clock.now() == start + timedelta(hours=4)
