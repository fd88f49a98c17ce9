"""Records (the releases and the compiled release, by the OCDS merge rules) and packages."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from copy import deepcopy
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

from django.conf import settings

from ggzy.kernel import clock

from .identifiers import ocid_of
from .releases import API_PATH, build_releases
from .trades import Trade
from .values import instant

OCDS_VERSION = "1.1"
# Bids are not in core OCDS 1.1 (bids extension); lots are not either (lots extension).
BID_EXTENSION = (
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/"
    "v1.1.5/extension.json"
)
LOTS_EXTENSION = (
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/"
    "v1.1.5/extension.json"
)
EXTENSIONS = (BID_EXTENSION, LOTS_EXTENSION)


# Arrays the schema marks ``wholeListMerge`` (replaced, even though their items have ids).
_WHOLE_LIST = frozenset({"additionalIdentifiers", "additionalClassifications"})


def merge(releases: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The compiled release, by the OCDS 1.1 merge rules as far as these releases need them:
    releases in date order; objects merged field by field; a null removes the field; arrays
    of objects that all have an ``id`` are merged item by item by ``id`` (new ids appended in
    order), other arrays and ``wholeListMerge`` arrays replaced whole; ``tag`` is omitted
    and the result is tagged ``compiled``, dated by the last release and identified
    ``{ocid}-{date}`` (as ocdsmerge does). No versioned release is produced."""
    ordered = sorted(releases, key=lambda r: datetime.fromisoformat(r["date"]))
    compiled: dict[str, Any] = {}
    for release in ordered:
        _merge_object(compiled, {k: v for k, v in release.items() if k != "tag"})
    last = ordered[-1]
    compiled["id"] = f"{last['ocid']}-{last['date']}"
    compiled["date"] = last["date"]
    compiled["tag"] = ["compiled"]
    return compiled


def _merge_object(target: dict[str, Any], source: Mapping[str, Any]) -> None:
    for key, value in source.items():
        if value is None:
            target.pop(key, None)
        elif isinstance(value, Mapping):
            current = target.get(key)
            merged: dict[str, Any] = current if isinstance(current, dict) else {}
            _merge_object(merged, value)
            target[key] = merged
        elif isinstance(value, list) and key not in _WHOLE_LIST and _identified(value):
            current_list = target.get(key)
            target[key] = _merge_identified(
                current_list if isinstance(current_list, list) else [], value
            )
        else:
            target[key] = deepcopy(value)


def _identified(items: list[Any]) -> bool:
    return bool(items) and all(isinstance(i, Mapping) and "id" in i for i in items)


def _merge_identified(current: list[Any], incoming: list[Any]) -> list[Any]:
    result = [deepcopy(item) for item in current]
    index = {item.get("id"): item for item in result if isinstance(item, dict)}
    for item in incoming:
        target = index.get(item["id"])
        if target is None:
            target = {}
            result.append(target)
            index[item["id"]] = target
        _merge_object(target, item)
    return result


def build_record(trade: Trade, base_url: str) -> dict[str, Any]:
    releases = build_releases(trade, base_url)
    return {
        "ocid": ocid_of(trade.project),
        "releases": releases,
        "compiledRelease": merge(releases),
    }


def _package(uri: str, base_url: str) -> dict[str, Any]:
    return {
        "uri": uri,
        "version": OCDS_VERSION,
        "extensions": list(EXTENSIONS),
        "publishedDate": instant(clock.now()),
        "publisher": {"name": settings.GGZY_PLATFORM_NAME, "uri": base_url},
    }


def release_package(trades: Iterable[Trade], *, uri: str, base_url: str) -> dict[str, Any]:
    """A release package of the trades' releases (an empty list when there are none)."""
    releases = [r for trade in trades for r in build_releases(trade, base_url)]
    return _package(uri, base_url) | {"releases": releases}


def record_package(trades: Iterable[Trade], *, uri: str, base_url: str) -> dict[str, Any]:
    records = [build_record(trade, base_url) for trade in trades]
    packages = [urljoin(base_url, f"{API_PATH}releases/{record['ocid']}") for record in records]
    return _package(uri, base_url) | {"packages": packages, "records": records}
