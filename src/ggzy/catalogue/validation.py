"""Checks on catalogue input, with precise bilingual messages.

``ItemSpec`` is what a caller (API, form, data file) gives to ``services.upsert_item``;
``clean_item_spec`` returns a normalised copy or raises ``InvalidInput`` naming the field.
Nothing here touches the database except the category lookup in ``services``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from ggzy.accounts.models import Industry
from ggzy.kernel import text
from ggzy.kernel.errors import InvalidInput
from ggzy.kernel.money import Amount, format_cny, yuan

from .models import Family, Procedure, Sector, TradeCategory

CODE_RE = re.compile(r"[A-Z][A-Z0-9]*(?:[-.][A-Z0-9]+)*", re.ASCII)
CODE_MAX = 32
NAME_MAX = 200
TITLE_MAX = 200
DOCUMENT_NUMBER_MAX = 100
TEXT_MAX = 2000

TENDER_PROCEDURES = frozenset(
    {
        Procedure.OPEN_TENDER,
        Procedure.INVITATION_TENDER,
        Procedure.COMPETITIVE_NEGOTIATION,
        Procedure.COMPETITIVE_CONSULTATION,
        Procedure.INQUIRY,
        Procedure.SINGLE_SOURCE,
        Procedure.FRAMEWORK_AGREEMENT,
    }
)
RIGHTS_PROCEDURES = frozenset(
    {
        Procedure.LISTING,
        Procedure.AUCTION,
        Procedure.SEALED_BID,
        Procedure.ONLINE_BIDDING,
        Procedure.AGREEMENT,
    }
)
# Which procedure families make sense for each family of trade. Other rights (特许经营权,
# 林权, 排污权…) may be awarded by tender as well as by listing, auction or bidding.
ALLOWED_PROCEDURES: dict[str, frozenset[str]] = {
    Family.WORKS: TENDER_PROCEDURES,
    Family.GOODS: TENDER_PROCEDURES,
    Family.SERVICES: TENDER_PROCEDURES,
    Family.LAND: RIGHTS_PROCEDURES,
    Family.MINING: RIGHTS_PROCEDURES,
    Family.STATE_PROPERTY: RIGHTS_PROCEDURES,
    Family.OTHER_RIGHTS: TENDER_PROCEDURES | RIGHTS_PROCEDURES,
}


@dataclass(frozen=True)
class ItemSpec:
    """The content of one catalogue item, as given by a caller."""

    category: str
    name: str
    supervising_industry: str
    procedure_families: Sequence[str]
    must_enter: bool = True
    entry_threshold: Amount | None = None
    voluntary_threshold: Amount | None = None
    name_en: str = ""
    description: str = ""
    notes: str = ""
    legal_basis: str = ""
    sort_order: int = 0


def clean_text(
    value: object,
    *,
    field: str,
    label_zh: str,
    max_length: int,
    required: bool = False,
    multiline: bool = False,
) -> str:
    """Strip, bound the length, refuse markup and control characters (``kernel.text``)."""
    return text.clean_text(
        value,
        field=field,
        max_length=max_length,
        required=required,
        multiline=multiline,
        label_zh=label_zh,
        label_en=field.replace("_", " "),
    )


def clean_code(value: object, *, field: str = "code", label_zh: str = "事项代码") -> str:
    """Upper-case ASCII code: letters, digits, '-' and '.', starting with a letter."""
    if not isinstance(value, str):
        raise InvalidInput(
            f"{label_zh}应为文本", f"{field} must be a string", code="invalid_type", field=field
        )
    code = value.strip().upper()
    if not code:
        raise InvalidInput(
            f"{label_zh}不能为空", f"{field} must not be empty", code="required", field=field
        )
    if len(code) > CODE_MAX or not CODE_RE.fullmatch(code):
        shown = code if len(code) <= 40 else code[:40] + "…"
        raise InvalidInput(
            f"{label_zh}“{shown}”无效：须以字母开头，只含大写字母、数字、“-”和“.”，"
            f"最多{CODE_MAX}个字符",
            f"{field} '{shown}' is invalid: start with a letter, use only A-Z, 0-9, '-' and "
            f"'.', at most {CODE_MAX} characters",
            code="invalid_code",
            field=field,
        )
    return code


def clean_threshold(value: Amount | None, *, field: str, label_zh: str) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    amount = yuan(value, field=field)
    if amount < 0:
        raise InvalidInput(
            f"{label_zh}不能为负数（{format_cny(amount)}）",
            f"{field} must not be negative ({amount})",
            code="negative_amount",
            field=field,
        )
    return amount


def clean_procedures(values: object, *, family: str) -> list[str]:
    field_name = "procedure_families"
    if isinstance(values, str) or not isinstance(values, Sequence):
        raise InvalidInput(
            "交易方式应为代码列表",
            "procedure_families must be a list of codes",
            code="invalid_type",
            field=field_name,
        )
    known = dict(Procedure.choices)
    chosen: list[str] = []
    for value in values:
        code = value.strip() if isinstance(value, str) else value
        if not isinstance(code, str) or code not in known:
            shown = str(code)[:40]
            raise InvalidInput(
                f"未知的交易方式“{shown}”；可选：{', '.join(known)}",
                f"unknown procedure family '{shown}'; choose from {', '.join(known)}",
                code="unknown_procedure",
                field=field_name,
            )
        if code not in chosen:
            chosen.append(code)
    if not chosen:
        raise InvalidInput(
            "至少选择一种交易方式",
            "choose at least one procedure family",
            code="required",
            field=field_name,
        )
    allowed = ALLOWED_PROCEDURES.get(family, frozenset())
    wrong = [code for code in chosen if code not in allowed]
    if wrong:
        family_label = dict(Family.choices).get(family, family)
        raise InvalidInput(
            f"“{family_label}”类事项不能采用{'、'.join(str(known[c]) for c in wrong)}",
            f"items of family '{family}' cannot use {', '.join(wrong)}",
            code="procedure_not_allowed",
            field=field_name,
        )
    return [code for code in Procedure.values if code in chosen]  # canonical order


def _clean_thresholds(spec: ItemSpec) -> tuple[Decimal | None, Decimal | None]:
    entry = clean_threshold(spec.entry_threshold, field="entry_threshold", label_zh="进场金额标准")
    voluntary = clean_threshold(
        spec.voluntary_threshold, field="voluntary_threshold", label_zh="自愿进场金额"
    )
    if not spec.must_enter and entry is not None:
        raise InvalidInput(
            "非必须进场的事项不能设定进场金额标准",
            "entry_threshold applies only to items that must enter the platform",
            code="threshold_without_must_enter",
            field="entry_threshold",
        )
    if not spec.must_enter and voluntary is None:
        raise InvalidInput(
            "非必须进场的事项须设定自愿进场金额（不限金额时填 0）",
            "an item that need not enter must set voluntary_threshold (0 for any amount)",
            code="required",
            field="voluntary_threshold",
        )
    if spec.must_enter and entry is None and voluntary is not None:
        raise InvalidInput(
            "不论金额均须进场的事项不能设定自愿进场金额",
            "an item that must enter at any amount cannot have a voluntary_threshold",
            code="voluntary_without_threshold",
            field="voluntary_threshold",
        )
    if entry is not None and voluntary is not None and voluntary > entry:
        raise InvalidInput(
            f"自愿进场金额（{format_cny(voluntary)}）不能高于进场金额标准（{format_cny(entry)}）",
            f"voluntary_threshold ({voluntary}) must not exceed entry_threshold ({entry})",
            code="voluntary_above_threshold",
            field="voluntary_threshold",
        )
    return entry, voluntary


def clean_item_spec(spec: ItemSpec, *, family: str) -> ItemSpec:
    """Normalise ``spec`` for a category of ``family``; raise ``InvalidInput`` on bad input."""
    if not isinstance(spec.must_enter, bool):
        raise InvalidInput(
            "“必须进场”应为是或否",
            "must_enter must be true or false",
            code="invalid_type",
            field="must_enter",
        )
    if spec.supervising_industry not in Industry.values:
        raise InvalidInput(
            f"未知的行政监督行业“{str(spec.supervising_industry)[:40]}”；"
            f"可选：{', '.join(Industry.values)}",
            f"unknown supervising_industry '{str(spec.supervising_industry)[:40]}'; "
            f"choose from {', '.join(Industry.values)}",
            code="unknown_industry",
            field="supervising_industry",
        )
    if not isinstance(spec.sort_order, int) or not 0 <= spec.sort_order <= 100_000:
        raise InvalidInput(
            "排序应为 0 至 100000 的整数",
            "sort_order must be an integer from 0 to 100000",
            code="invalid_sort_order",
            field="sort_order",
        )
    entry, voluntary = _clean_thresholds(spec)

    def line(value: object, name: str, label: str, required: bool = False) -> str:
        return clean_text(value, field=name, label_zh=label, max_length=NAME_MAX, required=required)

    def paragraph(value: object, name: str, label: str) -> str:
        return clean_text(value, field=name, label_zh=label, max_length=TEXT_MAX, multiline=True)

    return replace(
        spec,
        category=clean_code(spec.category, field="category", label_zh="交易类别代码"),
        name=line(spec.name, "name", "事项名称", required=True),
        name_en=line(spec.name_en, "name_en", "英文名称"),
        description=paragraph(spec.description, "description", "范围说明"),
        notes=paragraph(spec.notes, "notes", "备注"),
        legal_basis=paragraph(spec.legal_basis, "legal_basis", "依据"),
        procedure_families=clean_procedures(spec.procedure_families, family=family),
        entry_threshold=entry,
        voluntary_threshold=voluntary,
    )


def clean_category(category: TradeCategory) -> None:
    """Normalise a trade category's fields in place; raise ``InvalidInput`` on bad input."""
    category.code = clean_code(category.code, field="code", label_zh="类别代码")
    category.name_zh = clean_text(
        category.name_zh, field="name_zh", label_zh="名称", max_length=100, required=True
    )
    category.name_en = clean_text(
        category.name_en, field="name_en", label_zh="英文名称", max_length=NAME_MAX
    )
    category.description = clean_text(
        category.description,
        field="description",
        label_zh="说明",
        max_length=TEXT_MAX,
        multiline=True,
    )
    if not isinstance(category.sort_order, int) or not 0 <= category.sort_order <= 100_000:
        raise InvalidInput(
            "排序应为 0 至 100000 的整数",
            "sort_order must be an integer from 0 to 100000",
            code="invalid_sort_order",
            field="sort_order",
        )
    if category.family not in Family.values:
        raise InvalidInput(
            f"未知的交易大类“{str(category.family)[:40]}”；可选：{', '.join(Family.values)}",
            f"unknown family '{str(category.family)[:40]}'; choose from {', '.join(Family.values)}",
            code="unknown_family",
            field="family",
        )
    if category.sector not in Sector.values:
        raise InvalidInput(
            f"未知的适用领域“{str(category.sector)[:40]}”",
            f"unknown sector '{str(category.sector)[:40]}'",
            code="unknown_sector",
            field="sector",
        )
