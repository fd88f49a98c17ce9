"""Bidding (竞价): the engine's rules applied under one lock per auction.

A bid is ordered under the auction's row lock at the server's time, checked by the engine,
written with its ledger entry in the same transaction, and acknowledged only after that
commits: an acknowledged bid is durable, and the bids of one auction are totally ordered by
their sequence. The idempotency key is unique per auction in the database, so a retried bid
counts once even across server processes.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction

from django.db import transaction
from django.db.models import F

from ggzy.accounts.models import User
from ggzy.auctions import events
from ggzy.core.bulk import insert_all
from ggzy.core.services import Pending, record, record_all
from ggzy.kernel import clock
from ggzy.kernel.errors import Conflict, DomainError, InvalidInput, RuleViolation

from .. import engine
from ..engine import Accepted, Bid, Direction, Phase, Rules, State
from ..models import Auction, AuctionBid, Declaration, Registration
from ..trade_types import Method
from ._common import (
    bidder_actor,
    changed,
    changed_all,
    lock_auction,
    lock_auctions,
    no_such_auction,
    positive_fen,
)

KEY = re.compile(r"[A-Za-z0-9_.:-]{1,64}")


def rules_of(auction: Auction) -> Rules:
    return Rules(
        auction=str(auction.pk),
        start_price=auction.start_price,
        increment=auction.increment,
        free_ends_at=auction.free_ends_at,
        timed_seconds=auction.timed_seconds,
        timed_min_bidders=auction.timed_min_bidders,
        direction=Direction(auction.direction),
        whole_increments=auction.trade.whole_increments,
        weights=_weights(auction),
    )


def _weights(auction: Auction) -> dict[str, Fraction]:
    """The weights of weighted bidding (权重报价), by bidder number; empty otherwise."""
    if not auction.weighted:
        return {}
    rows = Registration.objects.filter(
        auction=auction, status=Registration.Status.QUALIFIED
    ).values_list("bidder_no", "weight")
    return {number: Fraction(weight) for number, weight in rows}


def minimum_next_of(auction: Auction) -> int:
    """The least next score (the amount when nobody is weighted), in whole fen."""
    rules = rules_of(auction)
    score = rules.score(auction.leader, auction.price) if auction.price is not None else None
    return engine.whole_fen(rules, engine.next_after(rules, score))


def state_of(auction: Auction, qualified: frozenset[str] = frozenset()) -> State:
    """The engine's state from the auction row, its last bid and its declarations."""
    last = AuctionBid.objects.filter(auction=auction).order_by("-seq").first()
    declared = auction.declarations.order_by("at", "pk") if _declarations_count(auction) else []
    return _state(auction, qualified, last, declared)


def _declarations_count(auction: Auction) -> bool:
    """Whether the declarations to go on (参加限时竞价) decide what follows the period."""
    return auction.phase == Phase.FREE and bool(auction.timed_min_bidders)


def _state(
    auction: Auction,
    qualified: frozenset[str],
    last: AuctionBid | None,
    declared: Iterable[Declaration],
) -> State:
    history: tuple[Accepted, ...] = ()
    if last is not None:
        bid = Bid(str(auction.pk), last.bidder_no, last.amount, last.key)
        history = (Accepted(last.seq, bid, last.at),)
    return State(
        rules=rules_of(auction),
        qualified=qualified,
        phase=Phase(auction.phase),
        deadline=auction.deadline,
        history=history,
        declarations=tuple(engine.Declared(d.bidder_no, d.at) for d in declared),
    )


def _not_qualified() -> RuleViolation:
    return RuleViolation(
        "您未取得本项目的竞买资格（资格审查或保证金未确认）",
        "you are not qualified to bid in this sale (review or deposit not confirmed)",
        code="not_qualified",
    )


def bidder_no_of(user: User, auction: Auction) -> str:
    found = None
    if user.is_authenticated:
        found = (
            Registration.objects.filter(
                auction=auction,
                status=Registration.Status.QUALIFIED,
                entity__users__user=user.pk,
            )
            .values_list("bidder_no", flat=True)
            .first()
        )
    if not found:
        raise _not_qualified()
    return found


def require_live(auction: Auction, now: datetime) -> None:
    if auction.status != Auction.Status.ANNOUNCED:
        raise RuleViolation("竞价已结束", "bidding has ended", code="bidding_closed")
    if now < auction.starts_at:
        raise RuleViolation(
            f"竞价尚未开始（{clock.local_text(auction.starts_at)} 开始）",
            f"bidding starts at {clock.local_text(auction.starts_at)}",
            code="not_started",
        )


def _timed_started(auction: Auction, before: State, after: State) -> Pending | None:
    """The ledger entry of a free period that turned timed, if it just did (the deadline
    moved past the free period's end only if a timed period began)."""
    if before.phase is not Phase.FREE or after.phase is Phase.FREE:
        return None
    if after.deadline is None or after.deadline <= auction.free_ends_at:
        return None
    return Pending(
        events.AUCTION_TIMED_STARTED,
        f"auction:{auction.code}",
        {"at": auction.free_ends_at, "price": before.price, "seq": before.last_seq},
    )


def _save_state(auction: Auction, state: State) -> None:
    """Keep the row in step with the engine."""
    auction.phase = state.phase
    auction.deadline = state.deadline
    auction.price = state.price
    auction.leader = state.leader or ""
    auction.last_seq = state.last_seq
    auction.save(update_fields=["phase", "deadline", "price", "leader", "last_seq"])


@dataclass(frozen=True)
class Placed:
    bid: AuctionBid
    repeated: bool  # a retry of a bid already accepted


def _check_key(key: object) -> str:
    if not isinstance(key, str) or not KEY.fullmatch(key):
        raise InvalidInput(
            "幂等键须为 1–64 位字母、数字或 _ . : -",
            "the idempotency key is 1 to 64 letters, digits or _ . : -",
            code="bad_key",
            field="key",
        )
    return key


@dataclass(frozen=True)
class Order:
    """A bid as it arrives: who, how much (yuan), and its idempotency key."""

    user: User
    amount: object
    key: object
    ip: str | None = None


Checked = list[tuple[int, Order, str, int]]


def _checked(orders: Sequence[Order]) -> tuple[list[Placed | DomainError | None], Checked]:
    """Each order's key and amount checked; a malformed one gets its reason at once."""
    results: list[Placed | DomainError | None] = [None] * len(orders)
    checked = []
    for n, order in enumerate(orders):
        try:
            value = positive_fen(order.amount, "amount", "报价")
            checked.append((n, order, _check_key(order.key), value))
        except DomainError as exc:
            results[n] = exc
    return results, checked


def place_bids(auction_id: int, orders: Sequence[Order]) -> list[Placed | DomainError]:
    return place_bids_many({auction_id: orders})[auction_id]


def place_bids_many(
    batches: Mapping[int, Sequence[Order]],
) -> dict[int, list[Placed | DomainError]]:
    """Order the bids of several auctions in one transaction (group commit): each bid is
    checked by the engine at the server's time of its turn under its auction's lock,
    accepted ones are written with their ledger entries, and all are answered only after
    the one commit. A refused bid does not affect the others. The auctions are locked in
    id order, and all of them before the ledger's head, so two processes cannot deadlock;
    what the batch reads and writes takes one statement each, however many auctions."""
    prepared = {auction_id: _checked(orders) for auction_id, orders in batches.items()}
    with transaction.atomic():
        locked = lock_auctions(sorted(prepared))
        for auction_id in prepared.keys() - locked.keys():
            _refuse_all(prepared[auction_id][0], no_such_auction())
        keys = {key for _, checked in prepared.values() for _, _, key, _ in checked}
        reads = _Reads.of(locked, keys)
        batch = _Writes()
        for auction_id, auction in locked.items():
            results, checked = prepared[auction_id]
            try:
                batch.add(auction, *_order(auction, checked, results, reads))
            except DomainError as exc:  # the auction itself: every bid gets the reason
                _refuse_all(results, exc)
        batch.write()
    return {
        auction_id: [r for r in results if r is not None]
        for auction_id, (results, _) in prepared.items()
    }


def _refuse_all(results: list[Placed | DomainError | None], exc: DomainError) -> None:
    for n, result in enumerate(results):
        if not isinstance(result, DomainError):
            results[n] = exc


@dataclass
class _Reads:
    """What a batch reads for all of its auctions, one query each."""

    numbers: dict[int, dict[int, str]]  # auction → user id → bidder number (qualified)
    earlier: dict[tuple[int, str], AuctionBid]  # (auction, key) → the bid taken with it
    last: dict[int, AuctionBid]  # auction → its last bid
    declared: dict[int, list[Declaration]]

    @classmethod
    def of(cls, auctions: Mapping[int, Auction], keys: set[str]) -> _Reads:
        ids = list(auctions)
        numbers: dict[int, dict[int, str]] = defaultdict(dict)
        rows = Registration.objects.filter(
            auction__in=ids, status=Registration.Status.QUALIFIED
        ).values_list("auction", "entity__users__user", "bidder_no")
        for auction_id, user_id, number in rows:
            numbers[auction_id][user_id] = number
        earlier = {
            (b.auction_id, b.key): b
            for b in AuctionBid.objects.filter(auction__in=ids, key__in=keys)
        }
        # the row's last sequence is its last bid's (the engine's state is saved with it)
        lasts = AuctionBid.objects.filter(auction__in=ids, seq=F("auction__last_seq"))
        declared: dict[int, list[Declaration]] = defaultdict(list)
        counting = [pk for pk, auction in auctions.items() if _declarations_count(auction)]
        if counting:
            for d in Declaration.objects.filter(auction__in=counting).order_by("at", "pk"):
                declared[d.auction_id].append(d)
        return cls(numbers, earlier, {b.auction_id: b for b in lasts}, declared)


@dataclass
class _Writes:
    """What a batch writes for all of its auctions: the ledger entries in one append, the
    bids in one statement, then each auction's new state, and one signal to the halls."""

    bids: list[AuctionBid] = field(default_factory=list)
    entries: list[Pending] = field(default_factory=list)
    moved: list[tuple[Auction, State, list[AuctionBid]]] = field(default_factory=list)

    def add(
        self, auction: Auction, bids: list[AuctionBid], entries: list[Pending], state: State
    ) -> None:
        if bids:
            self.bids += bids
            self.entries += entries
            self.moved.append((auction, state, bids))

    def write(self) -> None:
        if not self.bids:
            return
        recorded = [e for e in record_all(self.entries) if e.kind == "auction.bid"]
        for bid, entry in zip(self.bids, recorded, strict=True):
            bid.ledger_seq = entry.seq
        insert_all(self.bids)
        for auction, state, _ in self.moved:
            _save_state(auction, state)
        changed_all([(auction, bids) for auction, _, bids in self.moved])


def _order(
    auction: Auction, checked: Checked, results: list[Placed | DomainError | None], reads: _Reads
) -> tuple[list[AuctionBid], list[Pending], State]:
    """The engine's verdict on each bid, in turn; the accepted bids, their ledger entries
    and the state after them, to be written with the rest of the batch."""
    if auction.method == Method.ONE_SHOT:
        raise RuleViolation(
            "本项目采用一次报价，请递交密封报价",
            "this sale takes single sealed bids, not open bids",
            code="sealed_bids_only",
        )
    numbers = reads.numbers.get(auction.pk, {})
    earlier = {key: bid for (pk, key), bid in reads.earlier.items() if pk == auction.pk}
    state = _state(
        auction,
        frozenset(numbers.values()),
        reads.last.get(auction.pk),
        reads.declared.get(auction.pk, []),
    )
    accepted: list[AuctionBid] = []
    entries: list[Pending] = []
    for n, order, key, value in checked:
        try:
            bidder_no = numbers.get(order.user.pk)
            if bidder_no is None:
                raise _not_qualified()
            if key in earlier:
                results[n] = _retry(earlier[key], bidder_no, value)
                continue
            now = clock.now()
            require_live(auction, now)
            before = state
            state, placed = engine.place(state, Bid(str(auction.pk), bidder_no, value, key), now)
        except DomainError as exc:
            results[n] = exc
            continue
        if (started := _timed_started(auction, before, state)) is not None:
            entries.append(started)
        entries.append(
            Pending(
                events.AUCTION_BID,
                f"auction:{auction.code}",
                {"seq": placed.seq, "bidder_no": bidder_no, "amount": value, "key": key},
                actor=bidder_actor(auction, bidder_no),
                ip=order.ip,
            )
        )
        bid = AuctionBid(
            auction=auction, seq=placed.seq, bidder_no=bidder_no, amount=value, key=key, at=now
        )
        earlier[key] = bid
        accepted.append(bid)
        results[n] = Placed(bid, False)
    return accepted, entries, state


def _retry(earlier: AuctionBid, bidder_no: str, value: int) -> Placed:
    if (earlier.bidder_no, earlier.amount) != (bidder_no, value):
        raise Conflict(
            "该幂等键已用于另一报价",
            "the idempotency key was used for another bid",
            code="key_reused",
        )
    return Placed(earlier, True)


def place_bid(
    *, user: User, auction_id: int, amount: object, key: object, ip: str | None = None
) -> Placed:
    """Order one bid (报价); ``amount`` in yuan. A retry with the same key and amount returns
    the bid accepted first; the same key with another amount is refused."""
    (result,) = place_bids(auction_id, [Order(user, amount, key, ip)])
    if isinstance(result, DomainError):
        raise result
    return result


@transaction.atomic
def declare(*, user: User, auction_id: int, ip: str | None = None) -> Auction:
    """During the listing period, a bidder says it will go on to timed bidding (参加限时竞价)."""
    auction = lock_auction(auction_id)
    bidder_no = bidder_no_of(user, auction)
    now = clock.now()
    require_live(auction, now)
    if not auction.timed_min_bidders:
        raise RuleViolation(
            "本项目挂牌/自由报价期结束后直接进入限时竞价，无需申请",
            "this sale always goes on to timed bidding: nothing to declare",
            code="no_declaration_needed",
        )
    state = state_of(auction, frozenset({bidder_no}))
    after = engine.declare(state, bidder_no, now)
    if after is not state:
        Declaration.objects.create(auction=auction, bidder_no=bidder_no, at=now)
        record(
            events.AUCTION_DECLARED,
            subject=f"auction:{auction.code}",
            payload={"bidder_no": bidder_no},
            actor=bidder_actor(auction, bidder_no),
            ip=ip,
        )
        changed(auction)
    return auction


def due(now: datetime) -> list[int]:
    """Auctions whose current period has run out and whose row does not show it yet."""
    return list(
        Auction.objects.filter(status=Auction.Status.ANNOUNCED, deadline__lte=now).values_list(
            "pk", flat=True
        )
    )


@transaction.atomic
def advance(auction_id: int) -> Auction:
    """Move an auction on at the server's time: listing into timed bidding, or the close."""
    from .results import close

    auction = lock_auction(auction_id)
    now = clock.now()
    if auction.status != Auction.Status.ANNOUNCED:
        return auction
    before = state_of(auction)
    state = engine.advance(before, now)
    if state.phase == before.phase:
        return auction
    if (started := _timed_started(auction, before, state)) is not None:
        record_all([started])
    _save_state(auction, state)
    if state.phase is Phase.CLOSED:
        close(auction, state)
    changed(auction)
    return auction


def advance_due() -> str:
    """The scheduler's job: move on every auction whose period has run out."""
    ids = due(clock.now())
    for auction_id in ids:
        advance(auction_id)
    return f"{len(ids)} auctions moved on" if ids else ""
