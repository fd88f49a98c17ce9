"""The lockout's two rules, as properties: when a login is locked, and when a lock ends."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from ggzy.accounts import lockout
from ggzy.kernel import clock

LIMITS = st.fixed_dictionaries(
    {lockout.ACCOUNT: st.integers(1, 30), lockout.ADDRESS: st.integers(1, 100)}
)
COUNTS = st.fixed_dictionaries(
    {lockout.ACCOUNT: st.integers(0, 40), lockout.ADDRESS: st.integers(0, 120)}
)


@given(counts=COUNTS, limits=LIMITS)
def test_locked_exactly_when_some_limit_is_reached(
    counts: dict[str, int], limits: dict[str, int]
) -> None:
    reached = any(counts[p] >= limits[p] for p in limits)
    assert (lockout.attempts_left(counts, limits) <= 0) is reached


START = clock.now()  # any instant: the rule is about spans
HOUR = 3600
# Failures within the last hour, each with how many times it happened; the cool-off is at
# least an hour, so all of them count after the last one, as axes hands them over.
FAILURES = st.lists(
    st.tuples(st.integers(0, HOUR).map(lambda s: START + timedelta(seconds=s)), st.integers(1, 6)),
    max_size=12,
)


@given(failures=FAILURES, limit=st.integers(1, 20), minutes=st.integers(60, 180))
def test_a_lock_ends_just_after_unlock_at(
    failures: list[tuple[datetime, int]], limit: int, minutes: int
) -> None:
    cool_off = timedelta(minutes=minutes)

    def counted(now: datetime) -> int:  # what axes counts at ``now``
        return sum(n for at, n in failures if at >= now - cool_off)

    latest = max((at for at, _ in failures), default=START)
    until = lockout.unlock_at(failures, limit, cool_off)
    if until is None:
        assert counted(latest) < limit
        return
    assert counted(latest) >= limit  # locked after the last failure
    assert counted(until) >= limit  # still locked at the instant itself
    assert counted(until + timedelta(microseconds=1)) < limit  # and free just after
