"""The bidding engine: increments, whole increments, reverse bidding, the listing period
closing into timed bidding, the countdown restarted by every valid bid, late and replayed
bids, and the outcome with a sealed reserve. Property: whatever bids arrive in whatever
order, the state equals a sequential replay of the accepted bids (the ledger)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from fractions import Fraction
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ggzy.auctions.engine import (
    Bid,
    Direction,
    Event,
    Offer,
    Phase,
    Result,
    Rules,
    State,
    advance,
    declare,
    least_amount,
    minimum_next,
    open_auction,
    place,
    replay,
    result,
    sealed_result,
)
from ggzy.kernel.errors import DomainError

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
LISTING_ENDS = T0 + timedelta(days=10)
BIDDERS = ("A01", "A02", "A03")


def land(**changes: object) -> State:
    rules = Rules(
        auction="L1",
        start_price=100_000_00,
        increment=1_000_00,
        free_ends_at=LISTING_ENDS,
        timed_seconds=300,
        timed_min_bidders=2,
    )
    return open_auction(Rules(**{**rules.__dict__, **changes}), BIDDERS)


def bid(bidder: str, amount: int, key: str, auction: str = "L1") -> Bid:
    return Bid(auction=auction, bidder=bidder, amount=amount, key=key)


def refused(state: State, b: Bid, at: datetime) -> str:
    with pytest.raises(DomainError) as error:
        place(state, b, at)
    return error.value.code


def test_listing_goes_to_timed_bidding_and_every_bid_restarts_the_countdown() -> None:
    s = land()
    s, first = place(s, bid("A01", 100_000_00, "k1"), T0 + timedelta(days=1))  # at start
    assert first.seq == 1 and s.price == 100_000_00 and minimum_next(s) == 101_000_00
    assert refused(s, bid("A02", 100_500_00, "k2"), T0 + timedelta(days=2)) == "below_increment"
    s, _ = place(s, bid("A02", 101_000_00, "k2"), T0 + timedelta(days=2))
    s = declare(declare(s, "A01", T0 + timedelta(days=3)), "A02", T0 + timedelta(days=3))
    at_close = advance(s, LISTING_ENDS)
    assert at_close.phase is Phase.TIMED
    assert at_close.deadline == LISTING_ENDS + timedelta(seconds=300)
    s, _ = place(s, bid("A01", 102_000_00, "k3"), LISTING_ENDS + timedelta(seconds=299))
    assert s.deadline == LISTING_ENDS + timedelta(seconds=599)  # restarted
    late = s.deadline
    assert refused(s, bid("A02", 103_000_00, "k4"), late) == "bidding_closed"  # at the end
    s, _ = place(s, bid("A02", 103_000_00, "k4"), late - timedelta(milliseconds=1))
    closed = advance(s, s.deadline + timedelta(milliseconds=1))
    assert closed.phase is Phase.CLOSED
    assert result(closed, reserve=103_000_00) == result(closed, reserve=None)
    assert result(closed, reserve=None).winner == "A02"
    assert result(closed, reserve=103_000_01).failed  # the reserve decides, opened at close


def test_one_bidder_at_the_close_wins_without_timed_bidding_if_the_reserve_is_met() -> None:
    s, _ = place(land(), bid("A03", 120_000_00, "k"), T0)
    s = declare(s, "A03", T0)  # one bidder going on is not enough (timed_min_bidders=2)
    closed = advance(s, LISTING_ENDS)
    assert closed.phase is Phase.CLOSED
    assert result(closed, 110_000_00).winner == "A03"
    assert result(closed, 130_000_00).failed
    assert result(advance(land(), LISTING_ENDS), None).reason.startswith("无人报价")


def test_bad_bids_are_refused_and_change_nothing() -> None:
    s, first = place(land(), bid("A01", 100_000_00, "k1"), T0)
    assert refused(s, bid("X99", 200_000_00, "k2"), T0) == "not_qualified"
    assert refused(s, bid("A02", 200_000_00, "k2", auction="L2"), T0) == "wrong_auction"
    assert refused(s, bid("A02", 0, "k2"), T0) == "bad_amount"
    assert refused(s, bid("A02", 200_000_00, "k1"), T0) == "key_reused"
    again, same = place(s, bid("A01", 100_000_00, "k1"), T0 + timedelta(days=30))
    assert again is s and same == first  # a retry counts once, even after the close
    with pytest.raises(DomainError):
        result(s, None)  # not closed yet


def test_reverse_bidding_by_whole_increments() -> None:
    s = land(direction=Direction.REVERSE, whole_increments=True, timed_seconds=None)
    assert refused(s, bid("A01", 100_000_01, "k"), T0) == "below_increment"
    assert refused(s, bid("A01", 99_999_99, "k"), T0) == "not_whole_increments"
    s, _ = place(s, bid("A01", 98_000_00, "k1"), T0)
    assert minimum_next(s) == 97_000_00
    assert refused(s, bid("A02", 97_500_00, "k2"), T0) == "below_increment"
    assert refused(s, bid("A02", 96_500_00, "k2"), T0) == "not_whole_increments"
    s, _ = place(s, bid("A02", 95_000_00, "k2"), T0)
    closed = advance(s, LISTING_ENDS)
    assert result(closed, reserve=96_000_00).winner == "A02"  # lower wins, under the cap
    assert result(closed, reserve=94_000_00).failed


moves = st.lists(
    st.tuples(
        st.sampled_from((*BIDDERS, "X99")),
        st.integers(min_value=-2, max_value=4),  # increments over the current price
        st.integers(min_value=0, max_value=400),  # seconds since the previous bid
        st.integers(min_value=0, max_value=30),  # idempotency key (repeats are retries)
        st.booleans(),  # the bidder declares it goes on
    ),
    max_size=60,
)


@settings(max_examples=200, deadline=None)
@given(moves, st.sampled_from([Direction.FORWARD, Direction.REVERSE]))
def test_the_state_is_a_replay_of_the_accepted_bids(
    steps: list[tuple[str, int, int, int, bool]], direction: Direction
) -> None:
    s = land(direction=direction, free_ends_at=T0 + timedelta(seconds=3600))
    now: datetime = T0
    keys: dict[int, Bid] = {}
    events: list[Event] = []
    for bidder, steps_over, gap, key_no, goes_on in steps:
        now += timedelta(seconds=gap)
        if goes_on and bidder in BIDDERS:
            try:
                declared = declare(s, bidder, now)
            except DomainError:
                declared = s
            if declared is not s:
                events.append(declared.declarations[-1])
            s = declared
        base = s.price if s.price is not None else s.rules.start_price
        sign = 1 if direction is Direction.FORWARD else -1
        amount = max(1, base + sign * steps_over * s.rules.increment)
        b = keys.setdefault(key_no, bid(bidder, amount, f"k{key_no}"))
        before = s
        try:
            s, accepted = place(s, b, now)
        except DomainError:
            assert s is before  # a refused bid changes nothing
            continue
        if s is not before:
            events.append(accepted)
    assert replay(s.rules, BIDDERS, events) == s
    amounts = [a.bid.amount for a in s.history]
    better = (lambda x, y: y - x) if direction is Direction.FORWARD else (lambda x, y: x - y)
    assert all(better(x, y) >= s.rules.increment for x, y in pairwise(amounts))
    assert len({a.bid.key for a in s.history}) == len(s.history)  # none twice
    assert [a.seq for a in s.history] == list(range(1, len(s.history) + 1))


def test_weighted_bids_compare_scores_and_pay_the_amount() -> None:
    """权重报价: a bid counts as amount × the bidder's weight; the winner pays its amount."""
    free_end = datetime(2026, 12, 1, 10, tzinfo=UTC)
    rules = Rules(
        "1", 10_000_000, 100_000, free_end, weights={"A": Fraction(1), "B": Fraction(11, 10)}
    )
    state = open_auction(rules, {"A", "B"})
    at = free_end - timedelta(hours=1)
    state, _ = place(state, Bid("1", "A", 10_000_000, "a1"), at)
    assert least_amount(state, "B") == 9_181_819  # ⌈10,100,000 / 1.1⌉
    with pytest.raises(DomainError) as low:
        place(state, Bid("1", "B", 9_181_818, "b0"), at)
    assert low.value.code == "below_increment"
    state, _ = place(state, Bid("1", "B", 9_181_819, "b1"), at)
    assert state.leader == "B" and state.score == Fraction(9_181_819) * Fraction(11, 10)
    assert least_amount(state, "A") == 10_200_001
    closed = advance(state, free_end)
    assert result(closed, None) == Result("B", 9_181_819, False, "")
    offers = [Offer("A", 10_000_000, at), Offer("B", 9_100_000, at)]
    assert sealed_result(rules, offers, None).winner == "B"  # 10,010,000 beats 10,000,000
    assert sealed_result(rules, offers, 9_500_000).failed  # the reserve is on the amount
