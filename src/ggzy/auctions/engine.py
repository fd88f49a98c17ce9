"""The bidding engine (竞价规则): one auction's state and the pure function that orders a bid
into it. No database, no clock of its own: the caller passes the server's time of ordering,
persists each accepted bid (database and ledger) before acknowledging it, and can rebuild
the state at any moment by replaying the accepted bids in order (``replay``).

Modes, as ``Rules``:

* a free period (the listing period of 挂牌, or the free period of 多次报价) until
  ``free_ends_at``; then, if ``timed_seconds`` is set and at least ``timed_min_bidders``
  bidders declared they go on (``declare``; 0 means the timed period always follows), a
  timed period (限时竞价): a countdown of ``timed_seconds`` that every valid bid restarts,
  ending when a full period passes without one;
* forward (higher wins) or reverse (lower wins, 反向竞价);
* the first bid may equal the starting price; every later one beats the current price by at
  least one increment, or by whole increments (``whole_increments``, the property-rights
  rule).

Amounts are whole fen (``int``). A bid is valid only if it is valid at the moment it is
ordered: a bid ordered at the deadline itself is late. The result follows RULES §3/§4: the
leader wins unless a reserve price (底价, opened only at the close) is not reached.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from fractions import Fraction

from ggzy.kernel.errors import Conflict, InvalidInput, RuleViolation


class Direction(StrEnum):
    FORWARD = "forward"  # 正向：价高者得
    REVERSE = "reverse"  # 反向：价低者得


class Phase(StrEnum):
    FREE = "free"  # 挂牌期 / 自由报价期
    TIMED = "timed"  # 限时竞价
    CLOSED = "closed"


@dataclass(frozen=True)
class Rules:
    auction: str  # the auction's id: a bid for another auction is refused
    start_price: int  # 起始价, fen
    increment: int  # 加价幅度, fen
    free_ends_at: datetime
    timed_seconds: int | None = None
    timed_min_bidders: int = 0
    direction: Direction = Direction.FORWARD
    whole_increments: bool = False
    # 权重报价: a bidder's weight multiplies its bids before they are compared (1 if absent);
    # the starting price, the increment and the order apply to the weighted scores.
    weights: Mapping[str, Fraction] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.start_price <= 0 or self.increment <= 0:
            raise ValueError("the starting price and the increment must be positive")
        if self.timed_seconds is not None and self.timed_seconds <= 0:
            raise ValueError("the countdown must be positive")
        if any(w <= 0 for w in self.weights.values()):
            raise ValueError("weights must be positive")

    def score(self, bidder: str, amount: int) -> Fraction:
        """What a bid counts for: its amount times the bidder's weight."""
        return amount * self.weights.get(bidder, Fraction(1))


@dataclass(frozen=True)
class Bid:
    auction: str
    bidder: str  # the anonymous bidder number (竞买号)
    amount: int  # fen
    key: str  # idempotency key: a retried bid counts once


@dataclass(frozen=True)
class Accepted:
    seq: int  # 1, 2, … in the auction's total order
    bid: Bid
    at: datetime  # the server's time of ordering


@dataclass(frozen=True)
class Declared:
    """A bidder declared, during the free period, that it goes on to timed bidding."""

    bidder: str
    at: datetime


Event = Accepted | Declared


@dataclass(frozen=True)
class State:
    rules: Rules
    qualified: frozenset[str]  # bidder numbers allowed to bid (deposit confirmed)
    phase: Phase = Phase.FREE
    deadline: datetime | None = None  # when the current period ends; None before opening
    # Accepted bids in order. A caller that keeps its history elsewhere (the database) may
    # pass only the last one and check idempotency keys itself: ordering needs no more.
    history: tuple[Accepted, ...] = ()
    declarations: tuple[Declared, ...] = ()

    @property
    def continuing(self) -> frozenset[str]:
        return frozenset(d.bidder for d in self.declarations)

    @property
    def price(self) -> int | None:
        """The current price: the last accepted bid's amount (None before any bid)."""
        return self.history[-1].bid.amount if self.history else None

    @property
    def leader(self) -> str | None:
        return self.history[-1].bid.bidder if self.history else None

    @property
    def last_seq(self) -> int:
        return self.history[-1].seq if self.history else 0

    @property
    def score(self) -> Fraction | None:
        """The leading bid's weighted score (its amount when nobody is weighted)."""
        if not self.history:
            return None
        bid = self.history[-1].bid
        return self.rules.score(bid.bidder, bid.amount)


def open_auction(rules: Rules, qualified: Iterable[str]) -> State:
    return State(rules=rules, qualified=frozenset(qualified), deadline=rules.free_ends_at)


def _after(a: Fraction | int, b: Fraction | int, rules: Rules) -> bool:
    """Whether ``a`` is better than ``b`` in the auction's direction."""
    return a > b if rules.direction is Direction.FORWARD else a < b


def next_after(rules: Rules, score: Fraction | int | None) -> Fraction | int:
    """The least (forward) or greatest (reverse) score a bid may reach after ``score``."""
    if score is None:
        return rules.start_price
    step = rules.increment if rules.direction is Direction.FORWARD else -rules.increment
    return score + step


def minimum_next(state: State) -> Fraction | int:
    return next_after(state.rules, state.score)


def whole_fen(rules: Rules, value: Fraction | int) -> int:
    """A bound in whole fen, rounded the way that still meets it."""
    return math.ceil(value) if rules.direction is Direction.FORWARD else math.floor(value)


def least_amount(state: State, bidder: str) -> int:
    """The amount in whole fen this bidder must offer to reach ``minimum_next``."""
    rules = state.rules
    return whole_fen(rules, Fraction(minimum_next(state)) / rules.weights.get(bidder, Fraction(1)))


def advance(state: State, now: datetime) -> State:
    """The state at ``now``: the free period closes into the timed period or the end; a
    timed period closes when its countdown runs out."""
    if state.phase is Phase.CLOSED or state.deadline is None or now < state.deadline:
        return state
    rules = state.rules
    if state.phase is Phase.FREE and rules.timed_seconds is not None:
        going_on = len(state.continuing) >= rules.timed_min_bidders
        if going_on:
            deadline = state.deadline + timedelta(seconds=rules.timed_seconds)
            return advance(replace(state, phase=Phase.TIMED, deadline=deadline), now)
    return replace(state, phase=Phase.CLOSED)


def declare(state: State, bidder: str, now: datetime) -> State:
    """A bidder declares, during the free period, that it will go on to timed bidding."""
    state = advance(state, now)
    _check_bidder(state, bidder)
    if state.phase is not Phase.FREE:
        raise RuleViolation(
            "挂牌期已结束，不能再申请参加限时竞价",
            "the listing period is over: too late to declare",
            code="not_in_free_period",
        )
    if bidder in state.continuing:
        return state
    return replace(state, declarations=(*state.declarations, Declared(bidder, now)))


def _check_bidder(state: State, bidder: str) -> None:
    if bidder not in state.qualified:
        raise RuleViolation(
            "竞买人未取得竞买资格（资格审查或保证金未确认）",
            "the bidder is not qualified (review or deposit not confirmed)",
            code="not_qualified",
        )


def _check_amount(state: State, bidder: str, amount: int) -> None:
    rules = state.rules
    if type(amount) is not int or amount <= 0:
        raise InvalidInput("报价无效", "the amount is invalid", code="bad_amount", field="amount")
    least = least_amount(state, bidder)
    if _after(least, amount, rules):
        word = "不低于" if rules.direction is Direction.FORWARD else "不高于"
        raise RuleViolation(
            f"报价须{word} {least / 100:.2f} 元（当前价加减一个加价幅度）",
            f"the bid must be at least one increment better: {least / 100:.2f} yuan",
            code="below_increment",
            field="amount",
        )
    if rules.whole_increments and not rules.weights:
        base = rules.start_price if state.price is None else state.price
        if abs(amount - base) % rules.increment:
            raise RuleViolation(
                f"报价须为加价幅度 {rules.increment / 100:.2f} 元的整数倍",
                f"bids move by whole increments of {rules.increment / 100:.2f} yuan",
                code="not_whole_increments",
                field="amount",
            )


def place(state: State, bid: Bid, now: datetime) -> tuple[State, Accepted]:
    """Order ``bid`` at the server's time ``now``. Returns the new state and the accepted
    bid; a retried bid (same key, same content) returns its first acceptance unchanged.
    Anything invalid raises a ``DomainError`` and leaves ``state`` as it was."""
    for earlier in state.history:
        if earlier.bid.key == bid.key:
            if earlier.bid != bid:
                raise Conflict(
                    "该幂等键已用于另一报价",
                    "the idempotency key was used for another bid",
                    code="key_reused",
                )
            return state, earlier
    if bid.auction != state.rules.auction:
        raise InvalidInput(
            "报价不属于本场竞价", "the bid is for another auction", code="wrong_auction"
        )
    state = advance(state, now)
    if state.phase is Phase.CLOSED:
        raise RuleViolation("竞价已结束", "bidding has ended", code="bidding_closed")
    _check_bidder(state, bid.bidder)
    _check_amount(state, bid.bidder, bid.amount)
    accepted = Accepted(seq=state.last_seq + 1, bid=bid, at=now)
    deadline = state.deadline
    if state.phase is Phase.TIMED:
        assert state.rules.timed_seconds is not None
        deadline = now + timedelta(seconds=state.rules.timed_seconds)
    return replace(state, history=(*state.history, accepted), deadline=deadline), accepted


def replay(rules: Rules, qualified: Iterable[str], events: Iterable[Event]) -> State:
    """The state rebuilt from its events in the order they were recorded (the ledger)."""
    state = open_auction(rules, qualified)
    for event in events:
        if isinstance(event, Declared):
            state = declare(state, event.bidder, event.at)
            continue
        state, again = place(state, event.bid, event.at)
        if again != event:
            raise ValueError(f"bid {event.seq} does not replay")
    return state


@dataclass(frozen=True)
class Result:
    winner: str | None
    price: int | None
    failed: bool
    reason: str


def result(state: State, reserve: int | None) -> Result:
    """The outcome once closed: the leader wins at the current price unless the reserve
    price (底价, opened now) is not reached; no bid → failed (RULES §3, §4)."""
    if state.phase is not Phase.CLOSED:
        raise RuleViolation("竞价尚未结束", "bidding has not ended", code="not_closed")
    if state.price is None:
        return Result(None, None, True, "无人报价 / no bids")
    if reserve is not None and _after(reserve, state.price, state.rules):
        return Result(None, state.price, True, "未达到底价 / reserve not reached")
    return Result(state.leader, state.price, False, "")


@dataclass(frozen=True)
class Offer:
    """A single sealed bid (一次报价) as opened after the close."""

    bidder: str
    amount: int
    at: datetime  # when it was handed in; the earlier of equal offers wins


def sealed_result(rules: Rules, offers: Iterable[Offer], reserve: int | None) -> Result:
    """The outcome of single sealed bids: the best weighted offer at or beyond the starting
    price wins, the earliest of equal offers first, unless its amount does not reach the
    reserve."""
    valid = [
        o for o in offers if not _after(rules.start_price, rules.score(o.bidder, o.amount), rules)
    ]
    if not valid:
        return Result(None, None, True, "无有效报价 / no valid bids")
    sign = -1 if rules.direction is Direction.FORWARD else 1
    best = min(valid, key=lambda o: (sign * rules.score(o.bidder, o.amount), o.at))
    if reserve is not None and _after(reserve, best.amount, rules):
        return Result(None, best.amount, True, "未达到底价 / reserve not reached")
    return Result(best.bidder, best.amount, False, "")
