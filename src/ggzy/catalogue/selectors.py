"""Reads of the trading catalogue.

The published catalogue is public (anyone may read it); drafts are visible to provincial
centre staff only. ``entry_requirement`` answers "must this trade enter the platform?" for
project entry and fees in later issues.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from ggzy.accounts.models import User
from ggzy.accounts.selectors import is_provincial_centre_staff
from ggzy.kernel import clock
from ggzy.kernel.errors import InvalidInput, NotFound
from ggzy.kernel.money import Amount, format_cny, yuan

from .models import CatalogueItem, CatalogueVersion, Family, TradeCategory
from .validation import clean_code

Status = CatalogueVersion.Status
IN_FORCE_STATUSES = (Status.PUBLISHED, Status.SUPERSEDED)


def current_version(on: date | None = None) -> CatalogueVersion | None:
    """The version in force on ``on`` (default: today in Asia/Shanghai), or None."""
    day = on or clock.today()
    return (
        CatalogueVersion.objects.filter(status__in=IN_FORCE_STATUSES, effective_from__lte=day)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gt=day))
        .order_by("-effective_from")
        .first()
    )


def _check_family(family: str) -> None:
    if family not in Family.values:
        raise InvalidInput(
            f"未知的交易大类“{family[:40]}”；可选：{', '.join(Family.values)}",
            f"unknown family '{family[:40]}'; choose from {', '.join(Family.values)}",
            code="unknown_family",
            field="family",
        )


def items_of(version: CatalogueVersion, family: str | None = None) -> QuerySet[CatalogueItem]:
    rows = CatalogueItem.objects.filter(version=version).select_related("category", "version")
    if family:
        _check_family(family)
        rows = rows.filter(category__family=family)
    return rows.order_by("category__sort_order", "category__code", "sort_order", "code")


def items(on: date | None = None, family: str | None = None) -> QuerySet[CatalogueItem]:
    """The items of the version in force on ``on``, optionally of one family."""
    version = current_version(on)
    if version is None:
        if family:
            _check_family(family)
        return CatalogueItem.objects.none()
    return items_of(version, family)


def item_by_code(code: str, on: date | None = None) -> CatalogueItem:
    """Item ``code`` of the version in force on ``on``; ``NotFound`` when there is none."""
    item_code = clean_code(code)
    day = on or clock.today()
    version = current_version(day)
    if version is None:
        raise NotFound(
            f"{day}没有生效的交易目录",
            f"no trading catalogue is in force on {day}",
            code="no_catalogue",
        )
    item = items_of(version).filter(code=item_code).first()
    if item is None:
        raise NotFound(
            f"现行交易目录（第{version.number}版）中没有事项代码“{item_code}”",
            f"the catalogue in force (version {version.number}) has no item '{item_code}'",
            field="code",
        )
    return item


@dataclass(frozen=True)
class EntryRequirement:
    """Whether a trade of ``item`` at an amount must, or may, enter the platform.

    ``voluntary_allowed`` means it need not enter but may (自愿进场); it is False when
    entry is mandatory.
    """

    must_enter: bool
    voluntary_allowed: bool
    reason_zh: str
    reason_en: str
    item_code: str = ""
    entry_threshold: Decimal | None = None
    voluntary_threshold: Decimal | None = None

    @property
    def may_enter(self) -> bool:
        return self.must_enter or self.voluntary_allowed


def entry_requirement(item: CatalogueItem, amount: Amount) -> EntryRequirement:
    """Apply ``item``'s thresholds to ``amount`` (yuan; an estimate, budget or reserve price).

    Amounts at or above ``entry_threshold`` must enter; below it, amounts at or above
    ``voluntary_threshold`` may enter voluntarily (湘西意见: works below the must-tender
    standard and from ¥1,000,000 up). Amounts procurable together count by their sum —
    the caller adds them up (Reg. Art 24; GP Reg. Art 28).
    """
    value = yuan(amount, field="amount")
    if value < 0:
        raise InvalidInput(
            f"金额不能为负数（{format_cny(value)}）",
            f"the amount must not be negative ({value})",
            code="negative_amount",
            field="amount",
        )
    entry, voluntary = item.entry_threshold, item.voluntary_threshold
    basis_zh = f"依据《{item.version.title}》第{item.version.number}版事项{item.code}"
    basis_en = f"per catalogue version {item.version.number}, item {item.code}"
    shown = format_cny(value)

    def result(must: bool, may: bool, zh: str, en: str) -> EntryRequirement:
        return EntryRequirement(
            must_enter=must,
            voluntary_allowed=may,
            reason_zh=f"「{item.name}」{zh}（{basis_zh}）",
            reason_en=f"'{item.name_en or item.name}': {en} ({basis_en})",
            item_code=item.code,
            entry_threshold=entry,
            voluntary_threshold=voluntary,
        )

    if item.must_enter and entry is None:
        return result(
            True,
            False,
            "不论金额大小，均须进入公共资源交易平台交易",
            "must enter the public resource trading platform whatever the amount",
        )
    if item.must_enter and entry is not None and value >= entry:
        return result(
            True,
            False,
            f"金额{shown}达到进场金额标准{format_cny(entry)}，必须进入公共资源交易平台交易",
            f"the amount {shown} reaches the entry threshold {format_cny(entry)}: "
            "it must enter the platform",
        )
    below = (
        f"金额{shown}低于进场金额标准{format_cny(entry)}，" if entry is not None else f"金额{shown}"
    )
    below_en = (
        f"the amount {shown} is below the entry threshold {format_cny(entry)}"
        if entry is not None
        else f"entry is voluntary; the amount is {shown}"
    )
    if voluntary is not None and value >= voluntary:
        return result(
            False,
            True,
            f"{below}不强制进场；达到自愿进场金额{format_cny(voluntary)}，可自愿进场交易",
            f"{below_en}; it reaches {format_cny(voluntary)} and may enter voluntarily",
        )
    if voluntary is not None:
        return result(
            False,
            False,
            f"{below}未达到自愿进场金额{format_cny(voluntary)}，不在平台交易范围内",
            f"{below_en} and below the voluntary entry amount {format_cny(voluntary)}: "
            "it does not enter the platform",
        )
    return result(
        False,
        False,
        f"{below}无须进入平台交易",
        f"{below_en}: it need not enter the platform",
    )


# --- versions, for pages and the API --------------------------------------------------


def can_manage(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and is_provincial_centre_staff(user)


def versions_visible_to(user: Any) -> QuerySet[CatalogueVersion]:
    """Every version for provincial centre staff; published and superseded ones otherwise."""
    rows = CatalogueVersion.objects.select_related("published_by").order_by("-number")
    return rows if can_manage(user) else rows.exclude(status=Status.DRAFT)


def version_for(user: Any, pk: int) -> CatalogueVersion:
    version = versions_visible_to(user).filter(pk=pk).first()
    if version is None:
        raise NotFound(
            f"目录版本 {pk} 不存在", f"catalogue version {pk} does not exist", field="id"
        )
    return version


def history() -> QuerySet[CatalogueVersion]:
    """Published and superseded versions, newest first (the public version history)."""
    return CatalogueVersion.objects.filter(status__in=IN_FORCE_STATUSES).order_by("-number")


def grouped_items(version: CatalogueVersion) -> list[dict[str, Any]]:
    """The items of ``version`` grouped by family, then by category (for the public page)."""
    families = dict(Family.choices)
    groups: dict[str, dict[int, dict[str, Any]]] = {}
    for item in items_of(version):
        category: TradeCategory = item.category
        by_category = groups.setdefault(category.family, {})
        entry = by_category.setdefault(category.pk, {"category": category, "items": []})
        entry["items"].append(item)
    return [
        {"family": family, "label": families[family], "categories": list(groups[family].values())}
        for family in Family.values
        if family in groups
    ]


def workspace_context(user: User) -> dict[str, Any]:
    """What the workspace shows about the catalogue (``catalogue/_workspace.html``)."""
    context: dict[str, Any] = {
        "catalogue_current": current_version(),
        "catalogue_can_manage": can_manage(user),
    }
    if context["catalogue_can_manage"]:
        context["catalogue_drafts"] = list(
            CatalogueVersion.objects.filter(status=Status.DRAFT).order_by("-number")
        )
    return context
