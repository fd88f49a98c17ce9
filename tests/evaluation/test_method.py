import copy
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ggzy.evaluation.method import (
    AverageK,
    CheckItem,
    Method,
    ScoreItem,
    exact_number,
    parse_method,
)
from ggzy.kernel.errors import InvalidInput, RuleViolation
from ggzy.tendering.procedures import (
    COMPREHENSIVE,
    LOWEST_EVALUATED,
    LOWEST_PRICE,
    PROCEDURES,
    Procedure,
)

WORKS = PROCEDURES["works_open_post"]
GP_OPEN = PROCEDURES["gp_open"]
GP_CONSULTATION = PROCEDURES["gp_consultation"]
GP_INQUIRY = PROCEDURES["gp_inquiry"]


def works_method() -> dict[str, Any]:
    return {
        "kind": "comprehensive",
        "checks": [
            {"id": "Q1", "name": "营业执照有效", "stage": "qualification"},
            {"id": "C1", "name": "投标函签字盖章", "stage": "compliance"},
        ],
        "items": [
            {"id": "T1", "name": "施工组织设计", "group": "technical", "max": "20"},
            {"id": "B1", "name": "类似工程业绩", "group": "commercial", "max": 40},
        ],
        "price_points": "40",
        "price_formula": "average_k",
        "average_k": {
            "k_min": "0.95",
            "k_max": "0.98",
            "k_step": "0.01",
            "above_penalty": "1",
            "below_penalty": "0.5",
            "trim": True,
        },
    }


def gp_method(price_points: str = "30") -> dict[str, Any]:
    return {
        "kind": "comprehensive",
        "checks": [
            {"id": "Q1", "name": "具备政府采购法第二十二条规定的条件", "stage": "qualification"}
        ],
        "items": [
            {
                "id": "T1",
                "name": "技术参数响应",
                "group": "technical",
                "max": str(Decimal(90) - Decimal(price_points)),
            },
            {"id": "B1", "name": "售后服务", "group": "commercial", "max": "10"},
        ],
        "price_points": price_points,
        "price_formula": "lowest_benchmark",
    }


def lowest_method() -> dict[str, Any]:
    return {
        "kind": "lowest_evaluated_price",
        "checks": [{"id": "Q1", "name": "资质符合要求", "stage": "qualification"}],
    }


def fails(data: object, *, procedure: Procedure = WORKS, category: str = "works") -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        parse_method(data, procedure=procedure, category=category)
    return caught.value


def violates(data: object, *, procedure: Procedure, category: str) -> RuleViolation:
    with pytest.raises(RuleViolation) as caught:
        parse_method(data, procedure=procedure, category=category)
    return caught.value


def changed(base: dict[str, Any], path: str, new: object) -> dict[str, Any]:
    """A deep copy of ``base`` with the value at ``path`` ("items.0.max") replaced, or
    removed when ``new`` is ``...``."""
    data = copy.deepcopy(base)
    *parents, last = path.split(".")
    target: Any = data
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    key: Any = int(last) if isinstance(target, list) else last
    if new is ...:
        del target[key]
    else:
        target[key] = new
    return data


# --- valid methods --------------------------------------------------------------------


def test_works_comprehensive_with_average_k() -> None:
    method = parse_method(works_method(), procedure=WORKS, category="works")
    assert method.kind == COMPREHENSIVE
    assert method.checks == (
        CheckItem("Q1", "营业执照有效", "qualification"),
        CheckItem("C1", "投标函签字盖章", "compliance"),
    )
    assert method.items == (
        ScoreItem("T1", "施工组织设计", "technical", Decimal("20.00")),
        ScoreItem("B1", "类似工程业绩", "commercial", Decimal("40.00")),
    )
    assert method.price_points == Decimal("40.00")
    assert method.price_formula == "average_k"
    assert method.average_k == AverageK(
        k_values=(Decimal("0.95"), Decimal("0.96"), Decimal("0.97"), Decimal("0.98")),
        above_penalty=Decimal(1),
        below_penalty=Decimal("0.5"),
        trim=True,
    )


def test_to_json_writes_numbers_as_two_place_strings() -> None:
    data = parse_method(works_method(), procedure=WORKS, category="works").to_json()
    assert data["items"][1] == {
        "id": "B1",
        "name": "类似工程业绩",
        "group": "commercial",
        "max": "40.00",
    }
    assert data["price_points"] == "40.00"
    assert data["average_k"] == {
        "k_min": "0.95",
        "k_max": "0.98",
        "k_step": "0.01",
        "above_penalty": "1.00",
        "below_penalty": "0.50",
        "trim": True,
    }


def test_single_k_value_round_trips() -> None:
    data = works_method()
    data["average_k"] |= {"k_min": "0.97", "k_max": "0.97", "k_step": "0.05"}
    method = parse_method(data, procedure=WORKS, category="works")
    assert method.average_k is not None
    assert method.average_k.k_values == (Decimal("0.97"),)
    assert parse_method(method.to_json(), procedure=WORKS, category="works") == method


def test_works_lowest_benchmark() -> None:
    data = changed(works_method(), "price_formula", "lowest_benchmark")
    del data["average_k"]
    method = parse_method(data, procedure=WORKS, category="works")
    assert method.price_formula == "lowest_benchmark"
    assert method.average_k is None


def test_lowest_evaluated_price_needs_only_checks() -> None:
    method = parse_method(lowest_method(), procedure=WORKS, category="works")
    assert method == Method(
        LOWEST_EVALUATED,
        (CheckItem("Q1", "资质符合要求", "qualification"),),
        (),
        None,
        None,
        None,
    )
    explicit = lowest_method() | {
        "items": [],
        "price_points": None,
        "price_formula": None,
        "average_k": None,
    }
    assert parse_method(explicit, procedure=WORKS, category="works") == method
    assert parse_method(method.to_json(), procedure=WORKS, category="works") == method


def test_lowest_price_for_inquiry() -> None:
    data = lowest_method() | {"kind": "lowest_price", "checks": []}
    method = parse_method(data, procedure=GP_INQUIRY, category="goods")
    assert method.kind == LOWEST_PRICE
    assert method.checks == ()


def test_gp_tender_at_the_minimum_price_weights() -> None:
    goods = parse_method(gp_method("30"), procedure=GP_OPEN, category="goods")
    assert goods.price_points == Decimal(30)
    services = parse_method(gp_method("10"), procedure=GP_OPEN, category="services")
    assert services.price_points == Decimal(10)


def test_gp_works_have_no_statutory_price_weight() -> None:
    method = parse_method(gp_method("5"), procedure=GP_OPEN, category="works")
    assert method.price_points == Decimal(5)


def test_consultation_within_its_bounds() -> None:
    for points in ("30", "60"):
        parse_method(gp_method(points), procedure=GP_CONSULTATION, category="goods")
    for points in ("10", "30"):
        parse_method(gp_method(points), procedure=GP_CONSULTATION, category="services")


def test_unknown_category_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="category"):
        parse_method(works_method(), procedure=WORKS, category="land")


# --- shape ----------------------------------------------------------------------------


@pytest.mark.parametrize("data", [None, [], "comprehensive", 1])
def test_not_an_object(data: object) -> None:
    err = fails(data)
    assert (err.code, err.field) == ("method_format", None)
    assert "JSON" in err.message_zh


def test_unknown_top_level_key() -> None:
    err = fails(works_method() | {"weights": {}})
    assert (err.code, err.field) == ("method_unknown_key", "weights")
    assert "weights" in err.message_en


@pytest.mark.parametrize("key", ["kind", "checks"])
def test_missing_required_key(key: str) -> None:
    err = fails(changed(works_method(), key, ...))
    assert (err.code, err.field) == ("method_missing_key", key)


@pytest.mark.parametrize("key", ["items", "price_points", "price_formula"])
def test_comprehensive_requires_its_keys(key: str) -> None:
    err = fails(changed(works_method(), key, ...))
    assert (err.code, err.field) == ("method_missing_key", key)
    assert err.message_zh.startswith("综合评估法")


def test_checks_must_be_a_list() -> None:
    err = fails(changed(works_method(), "checks", {"Q1": "x"}))
    assert (err.code, err.field) == ("method_format", "checks")


def test_at_most_50_checks() -> None:
    checks = [{"id": f"Q{n}", "name": "审查", "stage": "compliance"} for n in range(51)]
    err = fails(changed(lowest_method(), "checks", checks))
    assert (err.code, err.field) == ("method_too_many", "checks")
    checks.pop()
    assert (
        len(
            parse_method(
                changed(lowest_method(), "checks", checks), procedure=WORKS, category="works"
            ).checks
        )
        == 50
    )


def test_at_most_50_items() -> None:
    items = [{"id": f"T{n}", "name": "评分", "group": "technical", "max": "1"} for n in range(51)]
    err = fails(changed(works_method(), "items", items))
    assert (err.code, err.field) == ("method_too_many", "items")


def test_a_check_must_be_an_object() -> None:
    err = fails(changed(works_method(), "checks.1", "Q2"))
    assert (err.code, err.field) == ("method_format", "checks[1]")


def test_a_check_with_an_unknown_key() -> None:
    err = fails(changed(works_method(), "checks.0.weight", 1))
    assert (err.code, err.field) == ("method_unknown_key", "checks[0].weight")


def test_a_check_with_a_missing_key() -> None:
    err = fails(changed(works_method(), "checks.0.stage", ...))
    assert (err.code, err.field) == ("method_missing_key", "checks[0].stage")


def test_an_item_with_a_missing_key() -> None:
    err = fails(changed(works_method(), "items.1.max", ...))
    assert (err.code, err.field) == ("method_missing_key", "items[1].max")


# --- kind -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["lowest_price", "auction", 3])
def test_kind_must_be_one_of_the_procedures_methods(kind: object) -> None:
    err = fails(changed(lowest_method(), "kind", kind))
    assert (err.code, err.field) == ("method_kind", "kind")
    assert "经评审的最低投标价法/最低评标价法" in err.message_zh
    assert "综合评估法/综合评分法" in err.message_zh
    assert "最低价成交" not in err.message_zh
    assert "comprehensive" in err.message_en


def test_consultation_allows_only_comprehensive_scoring() -> None:
    err = fails(lowest_method(), procedure=GP_CONSULTATION, category="goods")
    assert err.field == "kind"
    assert "综合评估法/综合评分法（comprehensive）" in err.message_zh


# --- ids and names --------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["", "Q 1", "资格1", "A" * 17, "Q1;", 1, None])
def test_bad_ids(bad: object) -> None:
    err = fails(changed(works_method(), "checks.0.id", bad))
    assert err.field == "checks[0].id"
    assert err.code == ("method_missing_key" if bad is None else "method_id")


def test_longest_id_is_allowed() -> None:
    data = changed(works_method(), "items.0.id", "A-b_" + "9" * 12)
    assert parse_method(data, procedure=WORKS, category="works").items[0].id == "A-b_999999999999"


def test_ids_are_unique_across_checks_and_items() -> None:
    err = fails(changed(works_method(), "items.0.id", "Q1"))
    assert (err.code, err.field) == ("method_duplicate_id", "items[0].id")
    err = fails(changed(works_method(), "checks.1.id", "Q1"))
    assert err.field == "checks[1].id"


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("<b>业绩</b>", "text_markup"),
        ("x" * 101, "text_too_long"),
        ("   ", "text_required"),
        (5, "text_type"),
        ("a\nb", "text_control"),
    ],
)
def test_names_are_clean_text(name: object, code: str) -> None:
    err = fails(changed(works_method(), "items.1.name", name))
    assert (err.code, err.field) == (code, "items[1].name")
    err = fails(changed(works_method(), "checks.0.name", name))
    assert (err.code, err.field) == (code, "checks[0].name")


def test_names_are_stripped() -> None:
    data = changed(works_method(), "checks.0.name", "  营业执照  ")
    assert parse_method(data, procedure=WORKS, category="works").checks[0].name == "营业执照"


def test_bad_stage_and_group() -> None:
    err = fails(changed(works_method(), "checks.0.stage", "prequalification"))
    assert (err.code, err.field) == ("method_choice", "checks[0].stage")
    assert "资格审查" in err.message_zh
    assert "符合性审查" in err.message_zh
    err = fails(changed(works_method(), "items.0.group", "price"))
    assert (err.code, err.field) == ("method_choice", "items[0].group")


# --- numbers --------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [20.0, "20.001", "2e1", "NaN", "twenty", True, "", None, [20]])
def test_item_max_must_be_an_exact_number(bad: object) -> None:
    err = fails(changed(works_method(), "items.0.max", bad))
    assert err.field == "items[0].max"
    assert err.code == ("method_missing_key" if bad is None else "method_number")
    if bad is not None:
        assert "浮点数" in err.message_zh


@pytest.mark.parametrize("bad", ["0", "-5", 0])
def test_item_max_must_be_positive(bad: object) -> None:
    err = fails(changed(works_method(), "items.0.max", bad))
    assert (err.code, err.field) == ("method_range", "items[0].max")


def test_exact_number() -> None:
    assert exact_number("12.5") == Decimal("12.50")
    assert str(exact_number(" 7 ")) == "7.00"
    assert str(exact_number("-0")) == "0.00"
    assert exact_number(Decimal("1.500")) == Decimal("1.50")
    assert exact_number(3) == Decimal(3)
    for bad in (
        1.5,
        False,
        "1.234",
        Decimal("1.234"),
        Decimal("NaN"),
        Decimal("Infinity"),
        "1,000",
        "+1",
        "1.",
        ".5",
        10**40,
        None,
    ):
        assert exact_number(bad) is None, bad


def test_comprehensive_needs_an_item() -> None:
    err = fails(changed(works_method(), "items", []))
    assert (err.code, err.field) == ("method_items_required", "items")


@pytest.mark.parametrize(("bad", "code"), [("0", "method_range"), (40.0, "method_number")])
def test_price_points(bad: object, code: str) -> None:
    err = fails(changed(works_method(), "price_points", bad))
    assert (err.code, err.field) == (code, "price_points")


@pytest.mark.parametrize("price_points", ["39.99", "41", "100"])
def test_total_must_be_exactly_100(price_points: str) -> None:
    err = fails(changed(works_method(), "price_points", price_points))
    assert (err.code, err.field) == ("method_total", "price_points")
    assert "总分须为100分" in err.message_zh
    assert f"合计{Decimal(60) + Decimal(price_points)}分" in err.message_zh


def test_total_with_cents() -> None:
    data = changed(works_method(), "items.0.max", "19.99")
    data["price_points"] = "40.01"
    assert parse_method(data, procedure=WORKS, category="works").price_points == Decimal("40.01")


def test_unknown_price_formula() -> None:
    err = fails(changed(works_method(), "price_formula", "median"))
    assert (err.code, err.field) == ("method_choice", "price_formula")


# --- government procurement -----------------------------------------------------------


def test_gp_scores_price_by_the_lowest_benchmark() -> None:
    data = gp_method() | {"price_formula": "average_k", "average_k": works_method()["average_k"]}
    err = fails(data, procedure=GP_OPEN, category="goods")
    assert (err.code, err.field) == ("method_price_formula", "price_formula")
    assert "第五十五条" in err.message_zh
    assert "MOF Order No. 87 (2017) Art 55" in err.message_en
    err = fails(data, procedure=GP_CONSULTATION, category="goods")
    assert "财库〔2014〕214号" in err.message_zh


@pytest.mark.parametrize(
    ("procedure", "category", "points", "rule"),
    [
        (GP_OPEN, "goods", "29.99", "gp.price_weight_goods_min_percent"),
        (GP_OPEN, "services", "9", "gp.price_weight_services_min_percent"),
        (GP_CONSULTATION, "goods", "20", "gp.consultation_price_weight_goods_min_percent"),
        (GP_CONSULTATION, "goods", "60.01", "gp.consultation_price_weight_goods_max_percent"),
        (GP_CONSULTATION, "services", "5", "gp.consultation_price_weight_services_min_percent"),
        (GP_CONSULTATION, "services", "31", "gp.consultation_price_weight_services_max_percent"),
    ],
)
def test_gp_price_weight(procedure: Procedure, category: str, points: str, rule: str) -> None:
    err = violates(gp_method(points), procedure=procedure, category=category)
    assert err.rule == rule
    assert err.field == "price_points"
    assert f"{points}%" in err.message_zh
    assert "依据" in err.message_zh


def test_gp_open_has_no_upper_price_weight() -> None:
    assert parse_method(gp_method("60"), procedure=GP_OPEN, category="services").price_points


# --- average K ------------------------------------------------------------------------


def test_average_k_formula_needs_its_parameters() -> None:
    err = fails(changed(works_method(), "average_k", ...))
    assert (err.code, err.field) == ("method_missing_key", "average_k")
    err = fails(changed(works_method(), "average_k", "0.95"))
    assert (err.code, err.field) == ("method_format", "average_k")


def test_average_k_only_with_its_formula() -> None:
    err = fails(changed(works_method(), "price_formula", "lowest_benchmark"))
    assert (err.code, err.field) == ("method_not_applicable", "average_k")


@pytest.mark.parametrize(
    ("key", "value", "code"),
    [
        ("k_min", "0", "method_range"),
        ("k_min", "-0.5", "method_range"),
        ("k_max", "1.51", "method_range"),
        ("k_max", "0.94", "method_range"),
        ("k_step", "0", "method_range"),
        ("k_step", "0.02", "method_range"),
        ("k_step", 0.01, "method_number"),
        ("above_penalty", "-1", "method_range"),
        ("below_penalty", "-0.01", "method_range"),
        ("below_penalty", "0.001", "method_number"),
        ("trim", "yes", "method_format"),
        ("trim", 1, "method_format"),
        ("trim", None, "method_missing_key"),
        ("k_min", ..., "method_missing_key"),
        ("spread", "1", "method_unknown_key"),
    ],
)
def test_bad_average_k(key: str, value: object, code: str) -> None:
    err = fails(changed(works_method(), f"average_k.{key}", value))
    assert (err.code, err.field) == (code, f"average_k.{key}")


def test_average_k_limits_are_inclusive() -> None:
    data = works_method()
    data["average_k"] |= {
        "k_min": "0.01",
        "k_max": "1.5",
        "k_step": "0.01",
        "above_penalty": "0",
        "below_penalty": 0,
        "trim": False,
    }
    spec = parse_method(data, procedure=WORKS, category="works").average_k
    assert spec is not None
    assert len(spec.k_values) == 150
    assert (spec.k_values[0], spec.k_values[-1]) == (Decimal("0.01"), Decimal("1.50"))


# --- lowest methods -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("items", [{"id": "T1", "name": "技术", "group": "technical", "max": "100"}]),
        ("price_points", "100"),
        ("price_formula", "lowest_benchmark"),
        ("average_k", {}),
    ],
)
def test_lowest_methods_have_no_scoring(key: str, value: object) -> None:
    err = fails(lowest_method() | {key: value})
    assert (err.code, err.field) == ("method_not_applicable", key)
    err = fails(
        lowest_method() | {"kind": "lowest_price", key: value},
        procedure=GP_INQUIRY,
        category="goods",
    )
    assert err.field == key
    assert "最低价成交" in err.message_zh


# --- round trip -----------------------------------------------------------------------

NAMES = st.text(
    alphabet="施工组织设计业绩售后服务资质 abcXYZ019（）", min_size=1, max_size=30
).filter(lambda s: s.strip() != "")


def _cents(n: int) -> str:
    return str(Decimal(n).scaleb(-2))


@st.composite
def methods(draw: st.DrawFn) -> dict[str, Any]:
    ids = draw(
        st.lists(
            st.from_regex(r"[A-Za-z0-9_-]{1,16}", fullmatch=True),
            min_size=1,
            max_size=12,
            unique=True,
        )
    )
    n_checks = draw(st.integers(0, len(ids) - 1))
    checks = [
        {
            "id": i,
            "name": draw(NAMES),
            "stage": draw(st.sampled_from(["qualification", "compliance"])),
        }
        for i in ids[:n_checks]
    ]
    kind = draw(st.sampled_from([LOWEST_EVALUATED, COMPREHENSIVE]))
    if kind == LOWEST_EVALUATED:
        return {"kind": kind, "checks": checks}
    item_ids = ids[n_checks:]
    cuts = sorted(
        draw(st.sets(st.integers(1, 9999), min_size=len(item_ids), max_size=len(item_ids)))
    )
    parts = [b - a for a, b in zip([0, *cuts], [*cuts, 10000], strict=True)]
    items = [
        {
            "id": i,
            "name": draw(NAMES),
            "group": draw(st.sampled_from(["technical", "commercial"])),
            "max": draw(st.sampled_from([_cents(part), Decimal(part).scaleb(-2)])),
        }
        for i, part in zip(item_ids, parts, strict=False)
    ]
    data: dict[str, Any] = {
        "kind": kind,
        "checks": checks,
        "items": items,
        "price_points": _cents(parts[-1]),
        "price_formula": draw(st.sampled_from(["lowest_benchmark", "average_k"])),
    }
    if data["price_formula"] == "average_k":
        k_min = draw(st.integers(1, 150))
        step = draw(st.integers(1, 20))
        count = draw(st.integers(1, (150 - k_min) // step + 1))
        data["average_k"] = {
            "k_min": _cents(k_min),
            "k_max": _cents(k_min + step * (count - 1)),
            "k_step": _cents(step),
            "above_penalty": draw(st.integers(0, 500)),
            "below_penalty": _cents(draw(st.integers(0, 500))),
            "trim": draw(st.booleans()),
        }
    return data


@given(methods())
def test_to_json_round_trips(data: dict[str, Any]) -> None:
    method = parse_method(data, procedure=WORKS, category="works")
    again = parse_method(method.to_json(), procedure=WORKS, category="works")
    assert again == method
    assert again.to_json() == method.to_json()
    if method.average_k is not None:
        spec = method.average_k
        assert spec.k_values == tuple(sorted(set(spec.k_values)))
        assert str(spec.k_values[0]) == data["average_k"]["k_min"]
        assert str(spec.k_values[-1]) == data["average_k"]["k_max"]
