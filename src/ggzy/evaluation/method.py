"""The evaluation method of the tender documents (评标办法), as data.

An agent submits the method as JSON; ``parse_method`` checks it against the procedure and
the subject category and returns a frozen ``Method``; ``Method.to_json()`` gives the same
JSON back (numbers as strings with two places), so it can be stored and parsed again::

    {
      "kind": "comprehensive",
      "checks": [{"id": "Q1", "name": "营业执照有效", "stage": "qualification"}],
      "items": [{"id": "T1", "name": "施工组织设计", "group": "technical", "max": "20"}],
      "price_points": "40",
      "price_formula": "average_k",
      "average_k": {"k_min": "0.95", "k_max": "0.98", "k_step": "0.01",
                    "above_penalty": "1", "below_penalty": "0.5", "trim": true}
    }

- ``kind``: one of the procedure's evaluation methods (``procedures.LOWEST_EVALUATED``,
  ``COMPREHENSIVE``, ``LOWEST_PRICE``).
- ``checks``: pass/fail items of the qualification (资格审查) or compliance (符合性审查)
  review; ``items``: scored factors, ``group`` technical or commercial, scored 0..``max``.
- Comprehensive scoring only: ``items`` (at least one), ``price_points`` (the price score's
  maximum; item maxima plus price points make exactly 100) and ``price_formula``:
  ``lowest_benchmark`` (the lowest valid price is the benchmark and scores full points) or,
  for works only, ``average_k`` (benchmark = mean of the valid prices × K, K drawn from
  ``k_min``..``k_max`` by ``k_step`` at the opening; points deducted per 1 % above or below
  the benchmark; ``trim`` drops the single highest and lowest price when there are at
  least five). Other kinds omit these keys or leave them empty (``[]`` / ``null``).
- Numbers are strings or integers with at most two decimal places; floats are refused
  because they are not exact. Ids are 1–16 characters ``[A-Za-z0-9_-]``, unique across
  checks and items; names are plain text of at most 100 characters.

Government procurement (``family == "gp"``) scores price by the lowest-price benchmark,
with a minimum price weight for goods and services (87号令 Art 55 [S]); competitive
consultation keeps the weight within its own bounds (财库〔2014〕214号 [S]). Works bought
under procurement rules have no statutory price weight.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Context, Decimal, InvalidOperation
from typing import Any, Literal, TypeVar

from ggzy.kernel import rules
from ggzy.kernel.errors import InvalidInput
from ggzy.kernel.text import clean_text
from ggzy.tendering import procedures
from ggzy.tendering.procedures import Procedure

CheckStage = Literal["qualification", "compliance"]
ItemGroup = Literal["technical", "commercial"]
PriceFormula = Literal["lowest_benchmark", "average_k"]

METHOD_NAMES: Mapping[str, tuple[str, str]] = {
    procedures.LOWEST_EVALUATED: ("经评审的最低投标价法/最低评标价法", "lowest evaluated price"),
    procedures.COMPREHENSIVE: ("综合评估法/综合评分法", "comprehensive scoring"),
    procedures.LOWEST_PRICE: ("最低价成交", "lowest price"),
}
STAGES: Mapping[CheckStage, tuple[str, str]] = {
    "qualification": ("资格审查", "qualification"),
    "compliance": ("符合性审查", "compliance"),
}
GROUPS: Mapping[ItemGroup, tuple[str, str]] = {
    "technical": ("技术", "technical"),
    "commercial": ("商务", "commercial"),
}
PRICE_FORMULAS: Mapping[PriceFormula, tuple[str, str]] = {
    "lowest_benchmark": ("最低价基准法", "lowest-price benchmark"),
    "average_k": ("平均价×K值基准法", "average price × K benchmark"),
}
CATEGORIES = ("works", "goods", "services")

MAX_CHECKS = 50
MAX_ITEMS = 50
NAME_MAX_LENGTH = 100
TOTAL_POINTS = Decimal(100)
K_LIMIT = Decimal("1.5")
PLACES = Decimal("0.01")
ZERO = Decimal("0.00")

_ID = re.compile(r"[A-Za-z0-9_-]{1,16}", re.ASCII)
_PLAIN_NUMBER = re.compile(r"-?[0-9]{1,18}(?:\.[0-9]{1,18})?", re.ASCII)
_TOP_KEYS = ("kind", "checks", "items", "price_points", "price_formula", "average_k")
_COMPREHENSIVE_KEYS = ("items", "price_points", "price_formula")
_CHECK_KEYS = ("id", "name", "stage")
_ITEM_KEYS = ("id", "name", "group", "max")
_AVERAGE_K_KEYS = ("k_min", "k_max", "k_step", "above_penalty", "below_penalty", "trim")

T = TypeVar("T", bound=str)

# Rule ids of the price weight's (minimum, maximum) by category, GP family only.
_PRICE_WEIGHT: Mapping[str, tuple[str, str | None]] = {
    "goods": ("gp.price_weight_goods_min_percent", None),
    "services": ("gp.price_weight_services_min_percent", None),
}
_CONSULTATION_PRICE_WEIGHT: Mapping[str, tuple[str, str | None]] = {
    "goods": (
        "gp.consultation_price_weight_goods_min_percent",
        "gp.consultation_price_weight_goods_max_percent",
    ),
    "services": (
        "gp.consultation_price_weight_services_min_percent",
        "gp.consultation_price_weight_services_max_percent",
    ),
}


@dataclass(frozen=True)
class CheckItem:
    id: str
    name: str
    stage: CheckStage


@dataclass(frozen=True)
class ScoreItem:
    id: str
    name: str
    group: ItemGroup
    max: Decimal  # scores run from 0 to max


@dataclass(frozen=True)
class AverageK:
    """Works comprehensive scoring: benchmark = mean of the valid prices × K."""

    k_values: tuple[Decimal, ...]  # k_min..k_max by k_step, inclusive; one is drawn
    above_penalty: Decimal  # points deducted per 1 % above the benchmark
    below_penalty: Decimal  # points deducted per 1 % below the benchmark
    trim: bool  # drop the single highest and lowest price when there are ≥ 5

    def to_json(self) -> dict[str, Any]:
        # A single K has no step to recover; any positive step gives the same values.
        step = self.k_values[1] - self.k_values[0] if len(self.k_values) > 1 else PLACES
        return {
            "k_min": str(self.k_values[0]),
            "k_max": str(self.k_values[-1]),
            "k_step": str(step),
            "above_penalty": str(self.above_penalty),
            "below_penalty": str(self.below_penalty),
            "trim": self.trim,
        }


@dataclass(frozen=True)
class Method:
    kind: str  # procedures.LOWEST_EVALUATED | COMPREHENSIVE | LOWEST_PRICE
    checks: tuple[CheckItem, ...]
    items: tuple[ScoreItem, ...]  # empty unless COMPREHENSIVE
    price_points: Decimal | None  # the price score's maximum (its weight in % of 100)
    price_formula: PriceFormula | None
    average_k: AverageK | None

    def to_json(self) -> dict[str, Any]:
        """The method as JSON-ready data that ``parse_method`` reads back unchanged."""
        return {
            "kind": self.kind,
            "checks": [{"id": c.id, "name": c.name, "stage": c.stage} for c in self.checks],
            "items": [
                {"id": i.id, "name": i.name, "group": i.group, "max": str(i.max)}
                for i in self.items
            ],
            "price_points": None if self.price_points is None else str(self.price_points),
            "price_formula": self.price_formula,
            "average_k": None if self.average_k is None else self.average_k.to_json(),
        }


def exact_number(value: object) -> Decimal | None:
    """``value`` as a Decimal with two places when it is a str, int or Decimal with at most
    two decimal places; ``None`` for anything else (floats, bools, NaN, more places)."""
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        return None
    if isinstance(value, str):
        if not _PLAIN_NUMBER.fullmatch(value.strip()):
            return None
        value = Decimal(value.strip())
    number = Decimal(value)
    try:
        rounded = number.quantize(PLACES, context=Context(prec=40))
    except InvalidOperation:  # NaN, infinity, or too many digits
        return None
    if rounded != number:
        return None
    return rounded if rounded else ZERO  # never "-0.00"


# --- reading the JSON -----------------------------------------------------------------


def _invalid(zh: str, en: str, *, code: str, field: str | None) -> InvalidInput:
    return InvalidInput(zh, en, code=code, field=field)


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def _object(
    value: object, field: str, keys: Sequence[str], required: Sequence[str]
) -> Mapping[str, object]:
    where = field or "评标办法"
    where_en = field or "The evaluation method"
    if not isinstance(value, Mapping):
        raise _invalid(
            f"{where}应为 JSON 对象",
            f"{where_en} must be a JSON object",
            code="method_format",
            field=field or None,
        )
    unknown = sorted(str(k) for k in value if k not in keys)
    if unknown:
        raise _invalid(
            f"{where}包含未知字段“{unknown[0]}”；允许的字段：{'、'.join(keys)}",
            f"{where_en} has an unknown key '{unknown[0]}'; allowed: {', '.join(keys)}",
            code="method_unknown_key",
            field=_join(field, unknown[0]),
        )
    _require(value, field, required, where, where_en)
    return value


def _require(
    value: Mapping[str, object], field: str, keys: Sequence[str], where: str, where_en: str
) -> None:
    for key in keys:
        if value.get(key) is None:
            raise _invalid(
                f"{where}缺少字段“{key}”",
                f"{where_en} is missing '{key}'",
                code="method_missing_key",
                field=_join(field, key),
            )


def _list(value: object, field: str, limit: int, zh: str, en: str) -> Sequence[object]:
    if not isinstance(value, list | tuple):
        raise _invalid(
            f"{zh}应为列表", f"The {en} must be a list", code="method_format", field=field
        )
    if len(value) > limit:
        raise _invalid(
            f"{zh}最多{limit}项，实际为{len(value)}项",
            f"At most {limit} {en}; got {len(value)}",
            code="method_too_many",
            field=field,
        )
    return value


def _choice(value: object, options: Mapping[T, tuple[str, str]], field: str, label: str) -> T:
    for option in options:
        if value == option:
            return option
    allowed_zh = "、".join(f"{zh}（{code}）" for code, (zh, _) in options.items())
    allowed_en = ", ".join(f"{code} ({en})" for code, (_, en) in options.items())
    raise _invalid(
        f"{label}须为以下之一：{allowed_zh}；实际为“{value}”",
        f"{field} must be one of {allowed_en}; got {value!r}",
        code="method_choice",
        field=field,
    )


def _number(value: object, field: str) -> Decimal:
    number = exact_number(value)
    if number is None:
        raise _invalid(
            f"{field}须为最多两位小数的数值（字符串或整数，不接受浮点数），实际为{value!r}",
            f"{field} must be a number with at most two decimal places, as a string or an "
            f"integer (floats are not exact); got {value!r}",
            code="method_number",
            field=field,
        )
    return number


def _show(number: Decimal) -> str:
    """``31`` for 31.00 in messages, ``29.5`` for 29.50."""
    return f"{number.normalize():f}"


def _range_error(field: str, zh: str, en: str) -> InvalidInput:
    return _invalid(f"{field}{zh}", f"{field} {en}", code="method_range", field=field)


def _id(value: object, field: str, seen: set[str]) -> str:
    if not isinstance(value, str) or not _ID.fullmatch(value):
        raise _invalid(
            f"编号须为1至16个字母、数字、下划线或连字符，实际为{value!r}",
            f"An id is 1 to 16 letters, digits, '_' or '-'; got {value!r}",
            code="method_id",
            field=field,
        )
    if value in seen:
        raise _invalid(
            f"编号“{value}”重复：审查项与评分项的编号须互不相同",
            f"The id '{value}' is used twice; checks and items need distinct ids",
            code="method_duplicate_id",
            field=field,
        )
    seen.add(value)
    return value


def _checks(value: object, seen: set[str]) -> tuple[CheckItem, ...]:
    result = []
    for n, raw in enumerate(_list(value, "checks", MAX_CHECKS, "审查项", "checks")):
        field = f"checks[{n}]"
        entry = _object(raw, field, _CHECK_KEYS, _CHECK_KEYS)
        result.append(
            CheckItem(
                id=_id(entry["id"], f"{field}.id", seen),
                name=clean_text(
                    entry["name"],
                    field=f"{field}.name",
                    max_length=NAME_MAX_LENGTH,
                    label_zh="审查项名称",
                    label_en="check name",
                ),
                stage=_choice(entry["stage"], STAGES, f"{field}.stage", "审查阶段"),
            )
        )
    return tuple(result)


def _items(value: object, seen: set[str]) -> tuple[ScoreItem, ...]:
    result = []
    for n, raw in enumerate(_list(value, "items", MAX_ITEMS, "评分项", "score items")):
        field = f"items[{n}]"
        entry = _object(raw, field, _ITEM_KEYS, _ITEM_KEYS)
        item = ScoreItem(
            id=_id(entry["id"], f"{field}.id", seen),
            name=clean_text(
                entry["name"],
                field=f"{field}.name",
                max_length=NAME_MAX_LENGTH,
                label_zh="评分项名称",
                label_en="score item name",
            ),
            group=_choice(entry["group"], GROUPS, f"{field}.group", "评分项类别"),
            max=_number(entry["max"], f"{field}.max"),
        )
        if item.max <= 0:
            raise _range_error(f"{field}.max", "须大于0", "must be greater than 0")
        result.append(item)
    return tuple(result)


def _average_k(value: object) -> AverageK:
    entry = _object(value, "average_k", _AVERAGE_K_KEYS, _AVERAGE_K_KEYS)
    k_min = _number(entry["k_min"], "average_k.k_min")
    k_max = _number(entry["k_max"], "average_k.k_max")
    k_step = _number(entry["k_step"], "average_k.k_step")
    if k_min <= 0:
        raise _range_error("average_k.k_min", "须大于0", "must be greater than 0")
    if k_max > K_LIMIT:
        raise _range_error(
            "average_k.k_max", f"不得大于{K_LIMIT}", f"must not be greater than {K_LIMIT}"
        )
    if k_min > k_max:
        raise _range_error("average_k.k_max", "不得小于 k_min", "must not be smaller than k_min")
    if k_step <= 0 or (k_max - k_min) % k_step:
        raise _range_error(
            "average_k.k_step",
            "须大于0且能整除 k_max − k_min",
            "must be greater than 0 and divide k_max − k_min exactly",
        )
    penalties = []
    for key in ("above_penalty", "below_penalty"):
        penalty = _number(entry[key], f"average_k.{key}")
        if penalty < 0:
            raise _range_error(f"average_k.{key}", "不得为负数", "must not be negative")
        penalties.append(penalty)
    if not isinstance(entry["trim"], bool):
        raise _invalid(
            "average_k.trim 须为 true 或 false",
            "average_k.trim must be true or false",
            code="method_format",
            field="average_k.trim",
        )
    count = int((k_max - k_min) / k_step) + 1
    return AverageK(
        k_values=tuple(k_min + n * k_step for n in range(count)),
        above_penalty=penalties[0],
        below_penalty=penalties[1],
        trim=entry["trim"],
    )


# --- the statutory checks -------------------------------------------------------------


def _gp_price_weight(procedure: Procedure, category: str, weight: Decimal) -> None:
    """87号令 Art 55 [S] for tenders; 财库〔2014〕214号 [S] bounds for consultation."""
    if category == "works":
        return
    label = "货物" if category == "goods" else "服务"
    bounds = _CONSULTATION_PRICE_WEIGHT if procedure.code == "gp_consultation" else _PRICE_WEIGHT
    low, high = bounds[category]
    minimum = rules.decimal_value(low)
    shown = _show(weight)
    if weight < minimum:
        raise rules.violation(
            low,
            f"{label}项目价格分值占总分值的比重不得低于{minimum}%，实际为{shown}%",
            f"The price weight of a {category} project must be at least {minimum}%; got {shown}%",
            field="price_points",
        )
    if high is not None and weight > (maximum := rules.decimal_value(high)):
        raise rules.violation(
            high,
            f"{label}项目价格分值占总分值的比重不得高于{maximum}%，实际为{shown}%",
            f"The price weight of a {category} project must be at most {maximum}%; got {shown}%",
            field="price_points",
        )


def _gp_formula(procedure: Procedure, formula: PriceFormula) -> None:
    if formula == "lowest_benchmark":
        return
    source = rules.CAIKU_214.art() if procedure.code == "gp_consultation" else rules.MOF_87.art(55)
    raise _invalid(
        "政府采购的价格分采用低价优先法：满足要求的最低报价为评标基准价，其价格分为满分"
        f"（price_formula 须为 lowest_benchmark；依据{source.zh}）",
        "Government procurement scores price by the lowest-price benchmark: the lowest "
        "compliant price is the benchmark and scores full points (price_formula must be "
        f"lowest_benchmark; {source.en})",
        code="method_price_formula",
        field="price_formula",
    )


def _comprehensive(
    data: Mapping[str, object], procedure: Procedure, category: str, seen: set[str]
) -> tuple[tuple[ScoreItem, ...], Decimal, PriceFormula, AverageK | None]:
    items = _items(data["items"], seen)
    if not items:
        raise _invalid(
            "综合评估法至少需要一个评分项",
            "Comprehensive scoring needs at least one score item",
            code="method_items_required",
            field="items",
        )
    price_points = _number(data["price_points"], "price_points")
    if price_points <= 0:
        raise _range_error("price_points", "须大于0", "must be greater than 0")
    items_total = sum((i.max for i in items), Decimal(0))
    if items_total + price_points != TOTAL_POINTS:
        total, points = _show(items_total + price_points), _show(price_points)
        raise _invalid(
            f"总分须为100分：评分项满分合计{_show(items_total)}分，价格分{points}分，合计{total}分",
            f"The total must be exactly 100 points: items {_show(items_total)} + price "
            f"{points} = {total}",
            code="method_total",
            field="price_points",
        )
    formula = _choice(data["price_formula"], PRICE_FORMULAS, "price_formula", "价格分计算方法")
    if procedure.family == procedures.GP:
        _gp_formula(procedure, formula)
        _gp_price_weight(procedure, category, price_points)
    if formula == "average_k":
        _require(
            data,
            "",
            ("average_k",),
            "采用平均价×K值基准法时，评标办法",
            "With the average_k formula, the method",
        )
        return items, price_points, formula, _average_k(data["average_k"])
    if data.get("average_k") is not None:
        raise _invalid(
            "仅平均价×K值基准法需要 average_k",
            "average_k belongs only to the average_k price formula",
            code="method_not_applicable",
            field="average_k",
        )
    return items, price_points, formula, None


def _nothing_priced(data: Mapping[str, object], kind: str) -> None:
    zh, en = METHOD_NAMES[kind]
    for key in (*_COMPREHENSIVE_KEYS, "average_k"):
        if data.get(key) not in (None, [], ()):
            raise _invalid(
                f"{zh}不设评分项和价格分，{key}应省略或为空",
                f"The {en} method has no score items or price score; leave {key} out",
                code="method_not_applicable",
                field=key,
            )


def parse_method(data: object, *, procedure: Procedure, category: str) -> Method:
    """Check a submitted evaluation method; ``InvalidInput`` or ``RuleViolation`` naming
    the offending part (``items[2].max``) when it is wrong.

    ``category`` is the project's subject category: works, goods or services.
    """
    if category not in CATEGORIES:
        raise ValueError(f"unknown category {category!r}")
    root = _object(data, "", _TOP_KEYS, ("kind", "checks"))
    kind = root["kind"]
    if not isinstance(kind, str) or kind not in procedure.evaluation_methods:
        allowed_zh = "、".join(f"{METHOD_NAMES[m][0]}（{m}）" for m in procedure.evaluation_methods)
        allowed_en = ", ".join(f"{m} ({METHOD_NAMES[m][1]})" for m in procedure.evaluation_methods)
        raise _invalid(
            f"{procedure.name_zh}的评标办法须为以下之一：{allowed_zh}；实际为“{kind}”",
            f"The evaluation method of {procedure.name_en} must be one of {allowed_en}; "
            f"got {kind!r}",
            code="method_kind",
            field="kind",
        )
    seen: set[str] = set()
    checks = _checks(root["checks"], seen)
    if kind != procedures.COMPREHENSIVE:
        _nothing_priced(root, kind)
        return Method(kind, checks, (), None, None, None)
    _require(root, "", _COMPREHENSIVE_KEYS, "综合评估法的评标办法", "A comprehensive method")
    items, price_points, formula, average_k = _comprehensive(root, procedure, category, seen)
    return Method(kind, checks, items, price_points, formula, average_k)
