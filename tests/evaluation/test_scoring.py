import itertools
from decimal import Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ggzy.evaluation.method import AverageK, ScoreItem
from ggzy.evaluation.scoring import (
    Entry,
    Ranked,
    average_k_benchmark,
    average_k_scores,
    divergent,
    draw_k,
    draw_seats,
    item_score,
    lowest_benchmark_scores,
    parse_score,
    quantize,
    rank,
)
from ggzy.kernel import rules
from ggzy.kernel.errors import InvalidInput
from ggzy.tendering.procedures import COMPREHENSIVE, LOWEST_EVALUATED, LOWEST_PRICE

D = Decimal
ITEM = ScoreItem("T1", "施工组织设计", "technical", D(20))
SPEC = AverageK(
    k_values=(D("0.95"), D("0.96"), D("0.97"), D("0.98")),
    above_penalty=D(1),
    below_penalty=D("0.5"),
    trim=True,
)

cents = st.integers(1, 10**11).map(lambda n: D(n).scaleb(-2))  # 0.01 .. 1,000,000,000.00
points_st = st.integers(1, 10000).map(lambda n: D(n).scaleb(-2))  # 0.01 .. 100.00
scores_st = st.integers(0, 2000).map(lambda n: D(n).scaleb(-2))  # 0.00 .. 20.00


# --- rounding -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1.005", "1.01"),
        ("1.0049999", "1.00"),
        ("2.675", "2.68"),
        ("-1.005", "-1.01"),
        ("-0.004", "0.00"),
        ("7", "7.00"),
        ("12345678901234567890.125", "12345678901234567890.13"),
    ],
)
def test_quantize_rounds_half_up(value: str, expected: str) -> None:
    assert str(quantize(D(value))) == expected


def test_quantize_ignores_the_callers_precision() -> None:
    with localcontext() as ctx:
        ctx.prec = 3
        assert str(quantize(D("12345.675"))) == "12345.68"


# --- parse_score ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [("18.5", "18.50"), (20, "20.00"), (0, "0.00"), (D("19.99"), "19.99"), (" 3 ", "3.00")],
)
def test_parse_score(value: object, expected: str) -> None:
    assert str(parse_score(ITEM, value)) == expected


@pytest.mark.parametrize(
    "value", ["20.01", "-0.01", -1, 21, "18.555", 18.5, True, None, "abc", D("NaN"), [1]]
)
def test_parse_score_refuses(value: object) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_score(ITEM, value)
    err = caught.value
    assert err.field == "scores.T1"
    assert err.code == "score_invalid"
    assert err.rule is None
    assert "0至20分" in err.message_zh
    assert "《招标投标法实施条例》第四十九条" in err.message_zh
    assert "from 0 to 20" in err.message_en
    assert "Tendering Law Implementing Regulations Art 49" in err.message_en


# --- item_score -----------------------------------------------------------------------


def test_item_score_is_the_rounded_mean() -> None:
    assert item_score([D(1), D(2), D(2)]) == D("1.67")
    assert item_score([D("1.00"), D("1.01")]) == D("1.01")  # 1.005 rounds half-up
    assert item_score([D("15.5")]) == D("15.50")
    with pytest.raises(ValueError, match="at least one"):
        item_score([])


@given(st.lists(scores_st, min_size=1, max_size=21))
def test_item_score_lies_between_the_scores(values: list[Decimal]) -> None:
    score = item_score(values)
    assert min(values) <= score <= max(values)
    assert score == quantize(score)


# --- lowest benchmark -----------------------------------------------------------------


def test_lowest_benchmark_scores() -> None:
    scores = lowest_benchmark_scores({"a": D(90), "b": D(100), "c": D(120)}, D(30))
    assert scores == {"a": D("30.00"), "b": D("27.00"), "c": D("22.50")}
    assert lowest_benchmark_scores({}, D(30)) == {}
    # 30 × 90 / 95 = 28.421…, 30 × 90 / 95.5 = 28.272…
    assert lowest_benchmark_scores({1: D(90), 2: D(95), 3: D("95.5")}, D(30)) == {
        1: D(30),
        2: D("28.42"),
        3: D("28.27"),
    }


def test_prices_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        lowest_benchmark_scores({1: D(0), 2: D(5)}, D(30))
    with pytest.raises(ValueError, match="positive"):
        average_k_benchmark([D(-1), D(5)], D("0.95"), trim=False)
    with pytest.raises(ValueError, match="no valid prices"):
        average_k_benchmark([], D("0.95"), trim=False)


@given(st.dictionaries(st.integers(0, 50), cents, min_size=1, max_size=15), points_st)
def test_lowest_benchmark_properties(prices: dict[int, Decimal], points: Decimal) -> None:
    scores = lowest_benchmark_scores(prices, points)
    assert scores.keys() == prices.keys()
    lowest = min(prices.values())
    for key, price in prices.items():
        assert D(0) <= scores[key] <= points
        assert scores[key] == quantize(scores[key])
        if price == lowest:
            assert scores[key] == points
    for a in prices:
        for b in prices:
            if prices[a] < prices[b]:
                assert scores[a] >= scores[b]


# --- average × K ----------------------------------------------------------------------


def test_average_k_benchmark() -> None:
    prices = [D(100), D(95), D(105), D(90), D(120)]
    # trimmed: 95, 100, 105 → 100 × 0.97
    assert average_k_benchmark(prices, D("0.97"), trim=True) == D("97.00")
    # untrimmed: 510 / 5 = 102 × 0.97 = 98.94
    assert average_k_benchmark(prices, D("0.97"), trim=False) == D("98.94")
    # four prices are never trimmed: 390 / 4 = 97.5 × 0.95 = 92.625 → 92.63 (half-up)
    assert average_k_benchmark(prices[:4], D("0.95"), trim=True) == D("92.63")


def test_average_k_scores() -> None:
    prices = {1: D(100), 2: D(95), 3: D(97), 4: D(90), 5: D(120), 6: D(300)}
    # trimmed mean of 95, 97, 100, 120 = 103, × 0.97 = 99.91
    scores = average_k_scores(prices, D(40), SPEC, D("0.97"))
    # 100: 0.09 / 99.91 = 0.0901 % above → 40 − 0.09 = 39.91
    # 90: 9.91 / 99.91 = 9.9189 % below, × 0.5 → 40 − 4.9594 = 35.04
    # 300: 200 % above → floored at 0
    assert scores[1] == D("39.91")
    assert scores[4] == D("35.04")
    assert scores[6] == D("0.00")
    assert average_k_scores({}, D(40), SPEC, D("0.97")) == {}


def test_average_k_benchmark_that_rounds_to_zero() -> None:
    with pytest.raises(ValueError, match="zero"):
        average_k_scores({1: D("0.01")}, D(40), SPEC, D("0.01"))


@given(
    centre=st.integers(10**4, 10**10),
    spread=st.integers(0, 4999),  # keeps centre − 2 × spread positive
    trimmed=st.booleans(),
    points=points_st,
    penalties=st.tuples(scores_st, scores_st),
)
def test_average_k_full_points_at_the_benchmark(
    centre: int, spread: int, trimmed: bool, points: Decimal, penalties: tuple[Decimal, Decimal]
) -> None:
    # Prices symmetric around the centre average to it, trimmed or not; K = 1.
    offsets = (-2, -1, 0, 1, 2) if trimmed else (-1, 0, 1)
    prices = {n: D(centre + n * spread).scaleb(-2) for n in offsets}
    spec = AverageK((D(1),), penalties[0], penalties[1], trim=trimmed)
    assert average_k_benchmark(list(prices.values()), D(1), trim=trimmed) == prices[0]
    scores = average_k_scores(prices, points, spec, D(1))
    assert scores[0] == points


@given(
    st.dictionaries(st.integers(0, 50), cents, min_size=1, max_size=15),
    points_st,
    st.sampled_from(SPEC.k_values),
    st.tuples(scores_st, scores_st),
    st.booleans(),
)
def test_average_k_scores_stay_within_the_points(
    prices: dict[int, Decimal],
    points: Decimal,
    k: Decimal,
    penalties: tuple[Decimal, Decimal],
    trim: bool,
) -> None:
    spec = AverageK(SPEC.k_values, penalties[0], penalties[1], trim)
    scores = average_k_scores(prices, points, spec, k)
    assert scores.keys() == prices.keys()
    benchmark = average_k_benchmark(list(prices.values()), k, trim=trim)
    for key, price in prices.items():
        assert D(0) <= scores[key] <= points
        if price == benchmark:
            assert scores[key] == points


def test_draw_k_is_reproducible() -> None:
    assert draw_k(SPEC, b"seed") == draw_k(SPEC, b"seed")
    assert {draw_k(SPEC, bytes([n])) for n in range(64)} == set(SPEC.k_values)
    single = AverageK((D("0.97"),), D(1), D(1), trim=False)
    assert draw_k(single, b"anything") == D("0.97")


def test_draw_seats_is_reproducible() -> None:
    seed = bytes(range(32))
    seats = draw_seats(seed, [1, 2, 3, 4, 5, 6, 7])
    assert seats == draw_seats(seed, [1, 2, 3, 4, 5, 6, 7])
    assert seats != draw_seats(seed[::-1], [1, 2, 3, 4, 5, 6, 7])
    # Every order of seven seats is reachable: over many seeds the first seat takes each.
    assert {draw_seats(bytes([n]), [1, 2, 3, 4, 5, 6, 7])[0] for n in range(64)} == set(range(1, 8))


@given(st.binary(min_size=16, max_size=32), st.lists(st.integers(1, 99), unique=True))
def test_draw_seats_deals_exactly_the_free_seats(seed: bytes, free: list[int]) -> None:
    assert sorted(draw_seats(seed, sorted(free))) == sorted(free)


@given(st.binary(min_size=1, max_size=32), st.integers(1, 150))
def test_draw_k_properties(seed: bytes, count: int) -> None:
    spec = AverageK(tuple(D(n).scaleb(-2) for n in range(1, count + 1)), D(1), D(1), False)
    k = draw_k(spec, seed)
    assert k in spec.k_values
    assert draw_k(spec, seed) == k


# --- divergence -----------------------------------------------------------------------


def test_divergence_rule() -> None:
    rule = rules.get("evaluation.divergence_max_fraction")
    assert rule.value == Fraction(3, 10)
    assert rule.unit == "fraction"
    assert rule.confidence == "C"
    assert rule.configurable


def test_divergent() -> None:
    limit = rules.fraction_value("evaluation.divergence_max_fraction")
    # others' mean for "e" is 16; 16 − 9.99 = 6.01 > 0.3 × 20 = 6
    scores = {"a": D(16), "b": D(15), "c": D(17), "d": D(16), "e": D("9.99")}
    assert divergent(scores, D(20), limit) == {"e"}
    scores["e"] = D(10)  # exactly 6 away: not divergent
    assert divergent(scores, D(20), limit) == set()
    assert divergent({"a": D(0), "b": D(20)}, D(20), limit) == set()
    # "b" and "c" are 3.5 from the others' mean 11.5; "a" is 7 from 15
    assert divergent({"a": D(8), "b": D(15), "c": D(15)}, D(20), limit) == {"a"}
    assert divergent({"a": D(0), "b": D(20), "c": D(10)}, D(20), Fraction(0)) == {"a", "b"}


# --- ranking --------------------------------------------------------------------------


def test_comprehensive_ranking_and_what_decided_it() -> None:
    entries = [
        Entry("lot-a", D(90), D(100), D(50)),
        Entry("lot-b", D(90), D(100), D(50)),
        Entry("cheap", D(90), D(99), D(40)),
        Entry("best", D(95), D(200), D(10)),
        Entry("tech", D(90), D(100), D(60)),
    ]
    ranked = rank(entries, kind=COMPREHENSIVE, seed=b"seed")
    assert [(r.key, r.rank, r.decided_by) for r in ranked[:3]] == [
        ("best", 1, "score"),
        ("cheap", 2, "score"),
        ("tech", 3, "price"),
    ]
    assert {r.key for r in ranked[3:]} == {"lot-a", "lot-b"}
    assert [(r.rank, r.decided_by) for r in ranked[3:]] == [(4, "technical"), (5, "lot")]


def test_lowest_price_ranking() -> None:
    entries = [
        Entry(1, None, D(120), D(0)),
        Entry(2, None, D(100), D(0)),
        Entry(3, None, D(120), D(0)),
    ]
    for kind in (LOWEST_EVALUATED, LOWEST_PRICE):
        ranked = rank(entries, kind=kind, seed=b"s")
        assert ranked[0] == Ranked(2, 1, "score")
        assert [(r.rank, r.decided_by) for r in ranked[1:]] == [(2, "price"), (3, "lot")]


def test_ties_are_settled_by_the_seed() -> None:
    entries = [Entry(n, D(80), D(100), D(40)) for n in range(8)]
    orders = {
        tuple(r.key for r in rank(entries, kind=COMPREHENSIVE, seed=bytes([s]))) for s in range(20)
    }
    assert len(orders) > 1
    ranked = rank(entries, kind=COMPREHENSIVE, seed=b"x")
    assert [r.decided_by for r in ranked] == ["score"] + ["lot"] * 7


def test_rank_refuses_bad_entries() -> None:
    with pytest.raises(ValueError, match="no total"):
        rank([Entry(1, None, D(1), D(0))], kind=COMPREHENSIVE, seed=b"s")
    with pytest.raises(ValueError, match="distinct"):
        rank(
            [Entry(1, D(1), D(1), D(0)), Entry(1, D(2), D(1), D(0))], kind=COMPREHENSIVE, seed=b"s"
        )
    assert rank([], kind=COMPREHENSIVE, seed=b"s") == []


small = st.integers(0, 3).map(D)
entry_values = st.tuples(small, st.integers(1, 3).map(D), small)


@given(
    st.lists(entry_values, max_size=12),
    st.sampled_from([COMPREHENSIVE, LOWEST_EVALUATED, LOWEST_PRICE]),
    st.binary(max_size=8),
    st.data(),
)
def test_rank_properties(
    values: list[tuple[Decimal, Decimal, Decimal]], kind: str, seed: bytes, data: st.DataObject
) -> None:
    comprehensive = kind == COMPREHENSIVE
    entries = [
        Entry(n, total if comprehensive else None, price, technical)
        for n, (total, price, technical) in enumerate(values)
    ]
    ranked = rank(entries, kind=kind, seed=seed)
    assert sorted(r.key for r in ranked) == list(range(len(entries)))
    assert [r.rank for r in ranked] == list(range(1, len(entries) + 1))
    shuffled = data.draw(st.permutations(entries))
    assert rank(shuffled, kind=kind, seed=seed) == ranked
    by_key = {e.key: e for e in entries}
    for above, below in itertools.pairwise(ranked):
        a, b = by_key[above.key], by_key[below.key]
        if comprehensive:
            assert a.total is not None
            assert b.total is not None
            assert (a.total, -a.price, a.technical) >= (b.total, -b.price, b.technical)
        else:
            assert a.price <= b.price
        assert (below.decided_by == "lot") == (
            (a.total, a.price, a.technical) == (b.total, b.price, b.technical)
            if comprehensive
            else a.price == b.price
        )
