"""The scoring arithmetic: exact decimals, rounding stated once.

Rounding rules:

- every expert's score on an item has at most two decimal places (``parse_score``);
- an item's committee score is the arithmetic mean of the current members' scores,
  rounded half-up to two places (``item_score``);
- the price score is computed exactly (as a fraction) and rounded half-up to two places
  once (``lowest_benchmark_scores``, ``average_k_scores``); an average-price benchmark is
  rounded half-up to 0.01 yuan before it is used;
- totals are sums of the rounded parts, so they are exact.

Half-up means away from zero on a tie (``ROUND_HALF_UP``): 1.005 → 1.01.

Random choices (the K value, lots between tied bids, the members' seats) come from the
expert draw's counter-mode generator, so anyone holding the seed can re-run them.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Generic, Literal, TypeVar

from ggzy.experts.drawing import Generator
from ggzy.kernel import rules
from ggzy.kernel.errors import InvalidInput
from ggzy.tendering import procedures

from .method import AverageK, ScoreItem, exact_number

if TYPE_CHECKING:
    from _typeshed import SupportsRichComparison

PLACES = Decimal("0.01")
ALG = "sha256"
# Bids and members are keyed by whatever the caller uses (bid ids, member ids).
K = TypeVar("K", bound=Hashable)
M = TypeVar("M", bound=Hashable)
# Ranking sorts tied bids by key before drawing lots, so its keys must be ordered.
R = TypeVar("R", bound="SupportsRichComparison")
T = TypeVar("T")

_ART_49 = rules.REG.art(49)


def _round(x: Fraction) -> Decimal:
    """``x`` rounded half-up (away from zero on a tie) to two places."""
    whole = math.floor(abs(x) * 100 + Fraction(1, 2))
    sign = "-" if x < 0 and whole else ""
    return Decimal(f"{sign}{whole}E-2")  # the string constructor is exact


def quantize(x: Decimal) -> Decimal:
    """``x`` rounded half-up to two places, exactly (no context precision involved)."""
    return _round(Fraction(x))


def parse_score(item: ScoreItem, value: object) -> Decimal:
    """One member's score on ``item``: a str, int or Decimal from 0 to ``item.max`` with at
    most two decimal places (floats and booleans refused)."""
    score = exact_number(value)
    if score is None or not 0 <= score <= item.max:
        raise InvalidInput(
            f"“{item.name}”的得分须为0至{item.max}分、最多两位小数，实际为{value!r}；"
            f"评标委员会成员只能按照招标文件规定的评标标准和方法评分（依据{_ART_49.zh}）",
            f"The score for '{item.name}' must be from 0 to {item.max} with at most two "
            f"decimal places; got {value!r}. Members score only by the criteria and method "
            f"in the tender documents ({_ART_49.en})",
            code="score_invalid",
            field=f"scores.{item.id}",
        )
    return score


def item_score(values: Sequence[Decimal]) -> Decimal:
    """The committee's score on one item: the mean of the members' scores, rounded."""
    if not values:
        raise ValueError("an item score needs at least one member's score")
    return _round(sum(map(Fraction, values), Fraction(0)) / len(values))


def _positive(prices: Sequence[Decimal]) -> None:
    if not prices:
        raise ValueError("no valid prices")
    if min(prices) <= 0:
        raise ValueError("prices must be positive")


def lowest_benchmark_scores(prices: Mapping[K, Decimal], points: Decimal) -> dict[K, Decimal]:
    """Price scores against the lowest price: benchmark / price × points.

    The lowest valid price is the benchmark and scores full points (87号令 Art 55 [S];
    财库〔2014〕214号 [S] for consultation; usable for works as well).
    """
    if not prices:
        return {}
    _positive(list(prices.values()))
    benchmark = Fraction(min(prices.values()))
    return {key: _round(benchmark / Fraction(p) * Fraction(points)) for key, p in prices.items()}


def average_k_benchmark(prices: Sequence[Decimal], k: Decimal, *, trim: bool) -> Decimal:
    """The mean of the valid prices × K, rounded to 0.01 yuan; with ``trim`` and at least
    five prices the single highest and lowest are left out of the mean."""
    _positive(prices)
    used = sorted(prices)[1:-1] if trim and len(prices) >= 5 else list(prices)
    mean = sum(map(Fraction, used), Fraction(0)) / len(used)
    return _round(mean * Fraction(k))


def average_k_scores(
    prices: Mapping[K, Decimal], points: Decimal, spec: AverageK, k: Decimal
) -> dict[K, Decimal]:
    """Price scores against the average-price benchmark B: full points at B, less
    ``spec.above_penalty`` per 1 % above B or ``spec.below_penalty`` per 1 % below,
    never below 0."""
    if not prices:
        return {}
    benchmark = average_k_benchmark(list(prices.values()), k, trim=spec.trim)
    if benchmark <= 0:
        raise ValueError("the benchmark rounds to zero")
    b = Fraction(benchmark)
    scores = {}
    for key, price in prices.items():
        deviation = (Fraction(price) - b) / b * 100
        penalty = Fraction(spec.above_penalty if deviation > 0 else spec.below_penalty)
        scores[key] = _round(max(Fraction(points) - abs(deviation) * penalty, Fraction(0)))
    return scores


def draw_k(spec: AverageK, seed: bytes) -> Decimal:
    """The K value, drawn from ``spec.k_values`` by the generator labelled "k"."""
    return spec.k_values[Generator(ALG, seed, "k").below(len(spec.k_values))]


def _shuffled(generator: Generator, items: list[T]) -> list[T]:
    """``items`` in the order a Fisher–Yates shuffle driven by ``generator`` gives."""
    for i in range(len(items) - 1):
        j = i + generator.below(len(items) - i)
        items[i], items[j] = items[j], items[i]
    return items


def draw_seats(seed: bytes, seats: Sequence[int]) -> list[int]:
    """The free seat numbers ``seats`` (ascending) shuffled by the generator labelled
    "seats": the i-th unseated member (by member id) takes the i-th number (随机座位号)."""
    return _shuffled(Generator(ALG, seed, "seats"), list(seats))


def divergent(scores: Mapping[M, Decimal], item_max: Decimal, fraction: Fraction) -> set[M]:
    """Members whose score on an item differs from the mean of the others' by more than
    ``fraction`` × ``item_max`` (platform rule ``evaluation.divergence_max_fraction``);
    with fewer than three scorers nobody is divergent."""
    if len(scores) < 3:
        return set()
    total = sum(map(Fraction, scores.values()), Fraction(0))
    limit = fraction * Fraction(item_max)
    others = len(scores) - 1
    return {
        member
        for member, score in scores.items()
        if abs(Fraction(score) - (total - Fraction(score)) / others) > limit
    }


# --- ranking --------------------------------------------------------------------------

DecidedBy = Literal["score", "price", "technical", "lot"]


@dataclass(frozen=True)
class Entry(Generic[R]):
    key: R
    total: Decimal | None  # the total score; None unless comprehensive scoring
    price: Decimal  # the evaluated price
    technical: Decimal  # the technical items' total (0 when nothing is scored)


@dataclass(frozen=True)
class Ranked(Generic[R]):
    key: R
    rank: int  # 1..n, no two alike
    decided_by: DecidedBy  # what put this entry below the one ranked just above it


def _criteria(entry: Entry[R], comprehensive: bool) -> tuple[Decimal, ...]:
    """The sort key, best first; equal criteria are settled by lot."""
    if not comprehensive:
        return (entry.price,)
    if entry.total is None:
        raise ValueError(f"entry {entry.key!r} has no total score")
    return (entry.total.copy_negate(), entry.price, entry.technical.copy_negate())


def _decided_by(
    above: tuple[Decimal, ...], below: tuple[Decimal, ...], comprehensive: bool
) -> DecidedBy:
    names: tuple[DecidedBy, ...] = ("score", "price", "technical") if comprehensive else ("price",)
    for name, a, b in zip(names, above, below, strict=True):
        if a != b:
            return name
    return "lot"


def rank(entries: Sequence[Entry[R]], *, kind: str, seed: bytes) -> list[Ranked[R]]:
    """Rank the valid bids, best first.

    Comprehensive scoring: total score, higher first; equal totals → lower price first;
    equal prices → as the tender documents say (87号令 Arts 55–56 [S]), here the higher
    technical score, then a drawing of lots. Lowest evaluated price and lowest price:
    price, lower first, then lots. Lots come from the generator labelled "tie", shuffling
    each tied group sorted by key, so the result depends only on the entries and the seed,
    not on their order.
    """
    if len({e.key for e in entries}) != len(entries):
        raise ValueError("entry keys must be distinct")
    comprehensive = kind == procedures.COMPREHENSIVE
    ordered = sorted(entries, key=lambda e: (_criteria(e, comprehensive), e.key))
    generator = Generator(ALG, seed, "tie")
    result: list[Ranked[R]] = []
    previous: tuple[Decimal, ...] = ()
    for criteria, tied in itertools.groupby(ordered, key=lambda e: _criteria(e, comprehensive)):
        group = _shuffled(generator, list(tied))
        for position, entry in enumerate(group):
            decided_by: DecidedBy
            if not result:
                decided_by = "score"
            elif position:
                decided_by = "lot"
            else:
                decided_by = _decided_by(previous, criteria, comprehensive)
            result.append(Ranked(entry.key, len(result) + 1, decided_by))
        previous = criteria
    return result
