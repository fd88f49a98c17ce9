"""Public reads of the portal: no login, only what was published."""

from __future__ import annotations

import difflib
import html
from datetime import date
from typing import Any

from django.http import QueryDict

from ggzy.accounts.models import Organisation, Region
from ggzy.kernel.errors import InvalidInput, NotFound

from .models import Attachment, Category, Kind, Publication
from .search import Filters

PER_CATEGORY = 6


def latest_by_category() -> list[tuple[str, str, list[Publication]]]:
    """(category code, label, newest publications) for the home page."""
    newest = Publication.objects.only("uid", "title", "published_at")
    return [
        (code, str(label), list(newest.filter(category=code)[:PER_CATEGORY]))
        for code, label in Category.choices
    ]


def get(uid: str) -> Publication:
    found = Publication.objects.select_related("region", "centre", "previous").filter(uid=uid)
    publication = found.first()
    if publication is None:
        raise NotFound("公告不存在", "no such notice")
    return publication


def attachment(uid: str, position: int) -> Attachment:
    found = Attachment.objects.filter(publication__uid=uid, position=position).first()
    if found is None:
        raise NotFound("附件不存在", "no such attachment")
    return found


def latest_version(publication: Publication) -> Publication:
    current = publication
    while (newer := Publication.objects.filter(previous=current).first()) is not None:
        current = newer
    return current


def trade_notices(trade_code: str) -> list[Publication]:
    """Every notice of a trade, oldest first: the trade's public history."""
    found = Publication.objects.filter(trade_code=trade_code).defer("body", "text")
    return list(found.select_related("region", "centre").order_by("published_at", "id"))


def diff(publication: Publication) -> str:
    """What a correction changed against the version it corrects, as escaped HTML lines."""
    if publication.previous is None:
        return ""
    before = publication.previous.text.splitlines()
    after = publication.text.splitlines()
    lines = []
    for line in difflib.unified_diff(before, after, lineterm="", n=1):
        if line.startswith(("---", "+++", "@@")):
            continue
        tag = {"+": "ins", "-": "del"}.get(line[:1], "span")
        lines.append(f"<{tag}>{html.escape(line)}</{tag}>")
    return "\n".join(lines)


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def filters_from(query: QueryDict) -> tuple[Filters, list[str]]:
    """The filters a request asks for, and a note for each value that was not understood
    (an unknown value is dropped rather than turned into an error)."""
    notes: list[str] = []

    def choice(name: str, allowed: list[str]) -> str | None:
        value = query.get(name) or None
        if value is not None and value not in allowed:
            notes.append(f"未知的筛选条件 {name}={value}，已忽略 / unknown filter ignored")
            return None
        return value

    region = query.get("region") or None
    if region is not None and not (region.isdigit() and len(region) in (2, 4, 6)):
        notes.append(f"地区代码应为 2、4 或 6 位数字：{region}，已忽略 / bad region ignored")
        region = None
    centre = query.get("centre") or None
    centre_id = int(centre) if centre and centre.isdigit() else None
    if centre and centre_id is None:
        notes.append(f"交易中心编号无效：{centre}，已忽略 / bad centre ignored")
    dates = {name: _day(query.get(name)) for name in ("from", "to")}
    for name, value in dates.items():
        if query.get(name) and value is None:
            notes.append(f"日期格式应为 YYYY-MM-DD：{query.get(name)}，已忽略 / bad date ignored")
    filters = Filters(
        category=choice("category", Category.values),
        kind=choice("kind", Kind.values),
        region=region,
        centre=centre_id,
        date_from=dates["from"],
        date_to=dates["to"],
    )
    return filters, notes


def filter_options() -> dict[str, Any]:
    return {
        "categories": Category.choices,
        "kinds": Kind.choices,
        "regions": region_options(),
        "centres": Organisation.objects.filter(kind=Organisation.Kind.CENTRE).order_by("pk"),
    }


_PREFIX = {"province": 2, "city": 4, "county": 6}


def region_options() -> list[tuple[str, str]]:
    """(code prefix, indented name) for the region filter: provinces, their cities and
    counties, in code order."""
    regions = (
        Region.objects.filter(level__in=_PREFIX)
        .order_by("code")
        .values_list("code", "name", "level")
    )
    return [
        (code[: _PREFIX[level]], "　" * (_PREFIX[level] // 2 - 1) + name)
        for code, name, level in regions
    ]


DEFAULT_LIMIT = 20
MAX_LIMIT = 100


def parse_limit(value: str | None) -> int:
    if value is None or value == "":
        return DEFAULT_LIMIT
    if value.isascii() and value.isdigit() and 1 <= int(value) <= MAX_LIMIT:
        return int(value)
    raise InvalidInput(
        f"limit 须为 1 至 {MAX_LIMIT} 的整数",
        f"limit must be a whole number from 1 to {MAX_LIMIT}",
        code="bad_limit",
        field="limit",
    )
