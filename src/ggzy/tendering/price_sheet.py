"""The price sheet (开标一览表): the structured part of a bid, read out at the opening.

The same check runs on the bidder's machine before sealing (a bad sheet is refused there)
and on the platform after decryption (where a bad sheet cannot be refused any more, so it is
read out with its problems marked for the committee).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from .procedures import GP, WORKS


@dataclass(frozen=True)
class Field:
    name: str
    label_zh: str
    label_en: str
    kind: str  # "money" | "int" | "text"
    required: bool = True


FIELDS: dict[str, tuple[Field, ...]] = {
    WORKS: (
        Field("price", "投标报价（元）", "bid price (yuan)", "money"),
        Field("duration_days", "工期（日历天）", "construction period (days)", "int"),
        Field("quality", "质量标准", "quality standard", "text"),
        Field("project_manager", "项目经理", "project manager", "text"),
        Field(
            "project_manager_cert",
            "项目经理注册证书号",
            "manager's certificate no.",
            "text",
            required=False,
        ),
    ),
    GP: (
        Field("price", "投标报价（元）", "bid price (yuan)", "money"),
        Field("delivery_days", "交货/服务期（日历天）", "delivery or service period (days)", "int"),
        Field("warranty_months", "质保期（月）", "warranty (months)", "int", required=False),
        Field("quality", "质量/服务承诺", "quality or service commitment", "text"),
    ),
}

MAX_TEXT = 200
MAX_PRICE = Decimal("1e14")


@dataclass(frozen=True)
class Problem:
    field: str
    zh: str
    en: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "zh": self.zh, "en": self.en}


def _money(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount <= 0 or amount >= MAX_PRICE:
        return None
    if amount != amount.quantize(Decimal("0.01")):
        return None
    return amount.quantize(Decimal("0.01"))


def _check(spec: Field, value: Any) -> tuple[Any, Problem | None]:
    if value is None or value == "":
        if spec.required:
            return None, Problem(
                spec.name, f"缺少「{spec.label_zh}」", f"{spec.label_en} is missing"
            )
        return None, None
    if spec.kind == "money":
        amount = _money(value)
        if amount is None:
            return None, Problem(
                spec.name,
                f"「{spec.label_zh}」不是有效金额（大于零、最多两位小数的数字）：{value!r}",
                f"{spec.label_en} is not a valid amount (positive, at most 2 decimals): {value!r}",
            )
        return str(amount), None
    if spec.kind == "int":
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 100_000:
            return None, Problem(
                spec.name,
                f"「{spec.label_zh}」须为正整数：{value!r}",
                f"{spec.label_en} must be a positive whole number: {value!r}",
            )
        return value, None
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_TEXT:
        return None, Problem(
            spec.name,
            f"「{spec.label_zh}」须为 1–{MAX_TEXT} 字的文字",
            f"{spec.label_en} must be text of 1–{MAX_TEXT} characters",
        )
    return value.strip(), None


def validate(data: Any, family: str) -> tuple[dict[str, Any], list[Problem]]:
    """Return the cleaned sheet and every problem found (empty when the sheet is good)."""
    if not isinstance(data, dict):
        return {}, [Problem("", "开标一览表不是 JSON 对象", "the price sheet is not a JSON object")]
    specs = FIELDS[family]
    known = {s.name for s in specs}
    cleaned: dict[str, Any] = {}
    problems: list[Problem] = []
    for spec in specs:
        value, problem = _check(spec, data.get(spec.name))
        if problem:
            problems.append(problem)
        elif value is not None:
            cleaned[spec.name] = value
    for extra in sorted(set(data) - known):
        problems.append(
            Problem(extra, f"开标一览表中有未定义的项「{extra}」", f"unknown field {extra!r}")
        )
    return cleaned, problems


def rows(sheet: dict[str, Any] | None, family: str) -> list[tuple[str, str]]:
    """The sheet as (label, shown value) rows in the family's order, amounts in ¥ format."""
    from ggzy.kernel.money import format_cny

    return [
        (
            spec.label_zh,
            format_cny(sheet[spec.name]) if spec.kind == "money" else str(sheet[spec.name]),
        )
        for spec in FIELDS[family]
        if sheet and spec.name in sheet
    ]
