"""The draw is uniform: 100,000 deterministic draws, checked with chi-square tests.

Everything here runs the pure selection in ``ggzy.experts.drawing`` (no database). The
seeds come from ``drawing.draw_seed`` over deterministic "reveals", so every run draws the
same sequence and the p-values below are the same on every machine: a pass is not luck of
the day, and a change to the algorithm that biases it shows up as a failure.

scipy is not a dependency, so the chi-square tail probability is computed here from the
regularised upper incomplete gamma function Q(a, x) (series for x < a + 1, Lentz's continued
fraction otherwise, as in Numerical Recipes §6.2), itself checked against closed forms and
table values.

A note on the statistic. Each draw picks ``k`` *distinct* experts out of ``n``, so the
per-expert counts are not multinomial: summed over N draws their covariance is
N·p(1-p)·n/(n-1)·(I - J/n) with p = k/n, and Pearson's X² is then distributed as
(n-k)/(n-1)·χ²(n-1). ``_uniform_statistic`` rescales by (n-1)/(n-k) so the result is
χ²(n-1) (for k = 1 it is plain Pearson).
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Iterable, Sequence

import pytest

from ggzy.experts import drawing

DRAWS = 100_000
SM3_DRAWS = 20_000
POOL = 60
PER_DRAW = 5
ALPHA = 0.01


# --- chi-square tail probability ---------------------------------------------------------------

_EPS = 1e-15
_TINY = 1e-300
_MAX_ITERATIONS = 10_000


def _prefactor(a: float, x: float) -> float:
    """x^a e^-x / Γ(a), in logs to avoid overflow."""
    return math.exp(a * math.log(x) - x - math.lgamma(a))


def _lower_series(a: float, x: float) -> float:
    """P(a, x) by its series, good for x < a + 1."""
    term = total = 1.0 / a
    denominator = a
    for _ in range(_MAX_ITERATIONS):
        denominator += 1.0
        term *= x / denominator
        total += term
        if abs(term) < abs(total) * _EPS:
            return total * _prefactor(a, x)
    raise ArithmeticError(f"series for P({a}, {x}) did not converge")


def _upper_fraction(a: float, x: float) -> float:
    """Q(a, x) by its continued fraction (modified Lentz), good for x ≥ a + 1."""
    b = x + 1.0 - a
    c = 1.0 / _TINY
    d = 1.0 / b
    h = d
    for i in range(1, _MAX_ITERATIONS):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        if abs(d) < _TINY:
            d = _TINY
        c = b + an / c
        if abs(c) < _TINY:
            c = _TINY
        d = 1.0 / d
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < _EPS:
            return h * _prefactor(a, x)
    raise ArithmeticError(f"continued fraction for Q({a}, {x}) did not converge")


def gamma_q(a: float, x: float) -> float:
    """The regularised upper incomplete gamma function Q(a, x) = Γ(a, x) / Γ(a)."""
    if a <= 0 or x < 0:
        raise ValueError("need a > 0 and x ≥ 0")
    if x == 0:
        return 1.0
    if x < a + 1.0:
        return 1.0 - _lower_series(a, x)
    return _upper_fraction(a, x)


def chi2_sf(statistic: float, df: int) -> float:
    """P(χ²(df) ≥ statistic)."""
    return gamma_q(df / 2.0, statistic / 2.0)


def _uniform_statistic(counts: Sequence[int], draws: int, per_draw: int) -> float:
    """The chi-square statistic (df = len(counts) - 1) for "each of the n items is chosen
    equally often" when every draw picks ``per_draw`` distinct items (see the module note)."""
    n = len(counts)
    expected = draws * per_draw / n
    pearson = sum((observed - expected) ** 2 for observed in counts) / expected
    return pearson * (n - 1) / (n - per_draw)


def _uniform_p(counter: Counter[int], items: Iterable[int], draws: int, per_draw: int) -> float:
    counts = [counter[i] for i in items]
    return chi2_sf(_uniform_statistic(counts, draws, per_draw), len(counts) - 1)


def _even_df_sf(x: float, df: int) -> float:
    """Closed form for even df: e^{-x/2} Σ_{i<df/2} (x/2)^i / i!."""
    half = x / 2.0
    return math.exp(-half) * sum(half**i / math.factorial(i) for i in range(df // 2))


@pytest.mark.parametrize("x", [0.001, 0.1, 0.5, 1.0, 2.0, 3.841458820694124, 6.6349, 10.0, 30.0])
def test_chi2_sf_with_one_degree_of_freedom_is_erfc(x: float) -> None:
    # χ²(1) is the square of a standard normal: P(χ² ≥ x) = erfc(√(x/2)).
    assert chi2_sf(x, 1) == pytest.approx(math.erfc(math.sqrt(x / 2)), rel=1e-10)


@pytest.mark.parametrize(
    ("x", "df"),
    [(0.5, 2), (3.0, 2), (9.21, 2), (5.0, 10), (23.209, 10), (50.0, 40), (90.0, 58), (1e3, 58)],
)
def test_chi2_sf_with_even_degrees_of_freedom_matches_the_closed_form(x: float, df: int) -> None:
    # Both branches (series for x < df/2 + 1, continued fraction above) are exercised.
    assert chi2_sf(x, df) == pytest.approx(_even_df_sf(x, df), rel=1e-10)


@pytest.mark.parametrize(
    ("x", "df", "p"),
    [
        (3.841, 1, 0.05),
        (6.635, 1, 0.01),
        (18.475, 7, 0.01),
        (23.209, 10, 0.01),
        (74.919, 49, 0.01),
        (66.339, 49, 0.05),
        (87.166, 59, 0.01),
        (124.342, 100, 0.05),
    ],
)
def test_chi2_sf_matches_table_values(x: float, df: int, p: float) -> None:
    # Critical values from the usual chi-square table, given to 3 decimals.
    assert chi2_sf(x, df) == pytest.approx(p, abs=5e-5)


def test_chi2_sf_edges() -> None:
    assert chi2_sf(0.0, 5) == 1.0
    # The median of χ²(k) is below k: P(χ²(59) ≥ 59) is a little under one half (≈ 0.4755 by
    # the Wilson–Hilferty approximation).
    assert chi2_sf(59.0, 59) == pytest.approx(0.4755, abs=1e-3)
    assert chi2_sf(1000.0, 59) < 1e-150
    with pytest.raises(ValueError, match="a > 0"):
        gamma_q(0.0, 1.0)


# --- the draws -------------------------------------------------------------------------------


def seed_for(i: int, alg: str) -> bytes:
    """A deterministic seed built the way the service builds one: two parties' reveals."""
    reveals = [
        hashlib.sha256(f"centre|{i}".encode()).hexdigest(),
        hashlib.sha256(f"supervisor|{i}".encode()).hexdigest(),
    ]
    return drawing.draw_seed(
        alg, request_id=1, attempt=i, snapshot_digest="00" * 32, reveals=reveals
    )


def employer(n: int) -> str:
    return f"EMPLOYER-{n:04d}"


def _pool_with_exclusions() -> tuple[list[drawing.Candidate], set[int]]:
    """80 experts, each with their own employer; 20 of them excluded (not in the bucket)."""
    everyone = [drawing.Candidate(i, employer(i)) for i in range(1, POOL + 21)]
    excluded = {c.expert_id for c in everyone if c.expert_id % 4 == 0}
    eligible = [c for c in everyone if c.expert_id not in excluded]
    assert len(eligible) == POOL
    return eligible, excluded


def _draw_many(alg: str, draws: int) -> tuple[Counter[int], Counter[int], list[drawing.Candidate]]:
    eligible, excluded = _pool_with_exclusions()
    buckets = [drawing.Bucket("main:A0801", PER_DRAW, eligible)]
    chosen: Counter[int] = Counter()
    first: Counter[int] = Counter()
    for i in range(draws):
        picked = drawing.select(alg, seed_for(i, alg), buckets, one_per_employer=True).chosen[
            "main:A0801"
        ]
        assert len(set(picked)) == PER_DRAW
        assert excluded.isdisjoint(picked)
        chosen.update(picked)
        first[picked[0]] += 1
    return chosen, first, eligible


def test_every_eligible_expert_is_equally_likely_and_the_excluded_never_chosen() -> None:
    chosen, first, eligible = _draw_many("sha256", DRAWS)
    _, excluded = _pool_with_exclusions()
    ids = [c.expert_id for c in eligible]
    assert set(chosen) == set(ids)  # everyone eligible turns up; nobody else
    assert excluded.isdisjoint(chosen)
    assert sum(chosen.values()) == DRAWS * PER_DRAW
    p = _uniform_p(chosen, ids, DRAWS, PER_DRAW)
    assert p > ALPHA, f"chi-square p = {p:.4g}: some experts are favoured"
    # The first pick alone is a plain multinomial: the order of the committee is uniform too.
    p_first = _uniform_p(first, ids, DRAWS, 1)
    assert p_first > ALPHA, f"chi-square p = {p_first:.4g} for the first pick"


def test_uniform_with_sm3_too() -> None:
    chosen, _, eligible = _draw_many("sm3", SM3_DRAWS)
    ids = [c.expert_id for c in eligible]
    assert set(chosen) == set(ids)
    p = _uniform_p(chosen, ids, SM3_DRAWS, PER_DRAW)
    assert p > ALPHA, f"chi-square p = {p:.4g} with SM3"


def test_the_check_would_catch_a_biased_generator(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test has teeth: the classic modulo bias (value % n without rejection, here on one
    byte) favours the first experts of the list, and the same check rejects it."""

    def biased_below(self: drawing.Generator, n: int) -> int:
        return (self._u64() & 0xFF) % n

    monkeypatch.setattr(drawing.Generator, "below", biased_below)
    draws = 10_000
    chosen, _, eligible = _draw_many("sha256", draws)
    p = _uniform_p(chosen, [c.expert_id for c in eligible], draws, PER_DRAW)
    assert p < 1e-6


# --- one per employer ------------------------------------------------------------------------

EMPLOYERS = 12
MEMBERS = 3  # experts per employer
TAKEN = (employer(11), employer(12))  # already on the committee (an earlier draw)
EMPLOYER_DRAWS = 30_000


def test_one_per_employer_holds_and_stays_uniform() -> None:
    """12 employers with 3 experts each; two employers already have a member. Every draw of 5
    has 5 different employers, none of them taken; which employers are chosen is uniform over
    the 10 free ones, and within an employer each of its experts is equally likely."""
    pool = [
        drawing.Candidate(e * 10 + m, employer(e))
        for e in range(1, EMPLOYERS + 1)
        for m in range(MEMBERS)
    ]
    employer_of = {c.expert_id: c.employer for c in pool}
    buckets = [drawing.Bucket("main:A0802", PER_DRAW, pool)]
    by_employer: Counter[str] = Counter()
    by_expert: Counter[int] = Counter()
    for i in range(EMPLOYER_DRAWS):
        selection = drawing.select(
            "sha256", seed_for(i, "sha256"), buckets, one_per_employer=True, taken_employers=TAKEN
        )
        picked = selection.chosen["main:A0802"]
        employers = [employer_of[x] for x in picked]
        assert len(picked) == PER_DRAW
        assert len(set(employers)) == PER_DRAW
        assert not set(employers) & set(TAKEN)
        # Everyone passed over was passed over for a reason: their employer was taken or
        # already had a member.
        for skipped in selection.skipped_same_employer:
            assert employer_of[skipped] in set(TAKEN) | set(employers)
            assert skipped not in picked
        by_employer.update(employers)
        by_expert.update(picked)
    free = [employer(e) for e in range(1, EMPLOYERS - len(TAKEN) + 1)]
    assert set(by_employer) == set(free)
    employer_counts = [by_employer[e] for e in free]
    p = chi2_sf(
        _uniform_statistic(employer_counts, EMPLOYER_DRAWS, PER_DRAW), len(employer_counts) - 1
    )
    assert p > ALPHA, f"employers: chi-square p = {p:.4g}"
    # Within each employer, each time it is chosen one of its members is taken uniformly:
    # a multinomial given the employer's total, so the sum is χ² with E·(M-1) df.
    statistic = 0.0
    for e in range(1, EMPLOYERS - len(TAKEN) + 1):
        members = [by_expert[e * 10 + m] for m in range(MEMBERS)]
        expected = sum(members) / MEMBERS
        statistic += sum((o - expected) ** 2 for o in members) / expected
    p_members = chi2_sf(statistic, len(free) * (MEMBERS - 1))
    assert p_members > ALPHA, f"members within an employer: chi-square p = {p_members:.4g}"


def test_without_the_rule_colleagues_can_sit_together() -> None:
    pool = [drawing.Candidate(m, employer(1)) for m in range(1, 6)]
    selection = drawing.select(
        "sha256", seed_for(0, "sha256"), [drawing.Bucket("b", 5, pool)], one_per_employer=False
    )
    assert sorted(selection.chosen["b"]) == [1, 2, 3, 4, 5]
    with pytest.raises(drawing.NotEnough):
        drawing.select(
            "sha256", seed_for(0, "sha256"), [drawing.Bucket("b", 2, pool)], one_per_employer=True
        )


# --- venues ----------------------------------------------------------------------------------

VENUE_POOL = (3, 5, 8, 13, 21, 34, 55, 89)  # ids need not be contiguous
VENUE_DRAWS = 30_000


@pytest.mark.parametrize("count", [1, 2, 3])
def test_secondary_venues_are_uniform_over_the_pool(count: int) -> None:
    chosen: Counter[int] = Counter()
    by_position: list[Counter[int]] = [Counter() for _ in range(count)]
    for i in range(VENUE_DRAWS):
        venues = drawing.select(
            "sha256",
            seed_for(i, "sha256"),
            [],
            one_per_employer=True,
            venue_pool=VENUE_POOL,
            venue_count=count,
        ).venues
        assert len(venues) == count
        assert len(set(venues)) == count
        assert set(venues) <= set(VENUE_POOL)
        chosen.update(venues)
        for position, venue in enumerate(venues):
            by_position[position][venue] += 1
    p = _uniform_p(chosen, VENUE_POOL, VENUE_DRAWS, count)
    assert p > ALPHA, f"venues: chi-square p = {p:.4g}"
    # Secondary venue 1, 2, 3 each get their venue uniformly (the order matters: each
    # secondary venue has its own experts).
    for position, counter in enumerate(by_position, start=1):
        p_position = _uniform_p(counter, VENUE_POOL, VENUE_DRAWS, 1)
        assert p_position > ALPHA, f"secondary-{position}: chi-square p = {p_position:.4g}"


def test_more_venues_than_the_pool_is_refused() -> None:
    with pytest.raises(drawing.NotEnough):
        drawing.select("sha256", b"s", [], one_per_employer=True, venue_pool=(1, 2), venue_count=3)
