"""The shipped Hunan 2019 data file, and idempotent, all-or-nothing loading of data files."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from ggzy.accounts.models import User
from ggzy.catalogue import services
from ggzy.catalogue.datafile import HUNAN_2019
from ggzy.catalogue.models import CatalogueItem, CatalogueVersion, TradeCategory
from ggzy.core.models import LedgerEntry
from ggzy.kernel.errors import Conflict, Forbidden, InvalidInput


def shipped() -> dict[str, Any]:
    return dict(json.loads(HUNAN_2019.read_text(encoding="utf-8")))


def write(tmp_path: Path, data: dict[str, Any], name: str = "c.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_loading_is_idempotent(db: None) -> None:
    first = services.load_catalogue_file(HUNAN_2019, actor="system")
    assert first.version_created and first.categories_added == 15 and first.changed
    entries = LedgerEntry.objects.count()
    second = services.load_catalogue_file(str(HUNAN_2019), actor="system")
    assert not second.changed
    assert second.version == first.version
    assert CatalogueVersion.objects.count() == 1
    assert CatalogueItem.objects.count() == 30
    assert TradeCategory.objects.count() == 15
    assert LedgerEntry.objects.count() == entries
    version = first.version
    assert (version.status, version.effective_from, version.source) == (
        "published",
        date(2019, 1, 1),
        "hunan-2019",
    )
    entry = LedgerEntry.objects.get(kind="catalogue.file_loaded")
    assert entry.actor == "system"
    assert json.loads(entry.body)["content_sha256"] == services.content_hash(version)


def test_the_file_uses_the_statutory_thresholds(catalogue_2019: CatalogueVersion) -> None:
    items = {item.code: item for item in catalogue_2019.items.select_related("category")}
    for item in items.values():
        if item.category.code == "CON-WORKS":
            assert item.entry_threshold == Decimal("4000000.00"), item.code
            assert item.voluntary_threshold == Decimal("1000000.00"), item.code
    assert items["CON-GOODS-EQUIPMENT"].entry_threshold == Decimal("2000000.00")
    for code in ("CON-SERVICES-SURVEY-DESIGN", "CON-SERVICES-SUPERVISION"):
        assert items[code].entry_threshold == Decimal("1000000.00")
    for code in ("LAND-STATE-CONSTRUCTION", "MINING-EXTRACTION", "STATE-PROPERTY-EQUITY"):
        assert items[code].must_enter and items[code].entry_threshold is None
    seeded = {
        "土地整理",
        "环境整治",
        "高标准农田",
        "医用设备",
        "特许经营权",
        "农村集体",
        "林权",
        "排污权",
        "碳排放权",
        "水权",
        "采砂权",
        "土地租赁",
    }
    names = " ".join(item.name for item in items.values())
    assert all(word in names for word in seeded)


def test_the_file_is_honest_about_its_sources() -> None:
    data = shipped()
    assert "ggzy" in data["meta"]["about_zh"] and "not official codes" in data["meta"]["about_en"]
    assert data["meta"]["unverified"]
    for item in data["version"]["items"]:
        if item["category"].startswith("GP-"):
            assert "configurable, set by the province" in item["notes"].lower(), item["code"]
        assert not isinstance(item["entry_threshold"], float)


def test_a_changed_published_version_is_refused(tmp_path: Path, catalogue_2019) -> None:
    data = shipped()
    data["version"]["items"][0]["entry_threshold"] = "5000000.00"
    data["categories"][0]["name_zh"] = "改名的类别"
    entries = LedgerEntry.objects.count()
    with pytest.raises(Conflict) as caught:
        services.load_catalogue_file(write(tmp_path, data), actor="system")
    assert caught.value.code == "loaded_version_differs"
    assert TradeCategory.objects.get(code="CON-WORKS").name_zh == "工程建设项目施工"  # rolled back
    assert LedgerEntry.objects.count() == entries


def test_category_changes_alone_are_applied(tmp_path: Path, catalogue_2019) -> None:
    data = shipped()
    data["categories"][0]["name_en"] = "Works (construction)"
    report = services.load_catalogue_file(write(tmp_path, data), actor="system")
    assert (report.categories_changed, report.version_created) == (1, False)
    assert TradeCategory.objects.get(code="CON-WORKS").name_en == "Works (construction)"


def test_a_later_file_supersedes_an_earlier_one(tmp_path: Path, catalogue_2019) -> None:
    data = shipped()
    data["version"].update(key="hunan-2024", title="湖南省公共资源交易目录（测试本）")
    data["version"]["effective_from"] = "2024-07-01"
    newer = services.load_catalogue_file(write(tmp_path, data), actor="system").version
    catalogue_2019.refresh_from_db()
    assert (catalogue_2019.status, catalogue_2019.effective_to) == ("superseded", date(2024, 7, 1))
    assert newer.status == "published" and newer.number == 2

    data["version"].update(key="hunan-2020", effective_from="2020-01-01")
    with pytest.raises(InvalidInput) as caught:
        services.load_catalogue_file(write(tmp_path, data, "old.json"), actor="system")
    assert caught.value.code == "effective_from_not_after_current"
    assert CatalogueVersion.objects.count() == 2


def test_loading_as_a_user(
    tmp_path: Path, editor: User, city_staff: User, frozen_clock: object
) -> None:
    with pytest.raises(Forbidden):
        services.load_catalogue_file(HUNAN_2019, actor=city_staff)
    assert not TradeCategory.objects.exists()
    version = services.load_catalogue_file(HUNAN_2019, actor=editor).version
    assert version.published_by == editor
    assert LedgerEntry.objects.get(kind="catalogue.file_loaded").actor == editor.actor


def _broken(data: dict[str, Any], change: str) -> dict[str, Any]:
    items = data["version"]["items"]
    if change == "float":
        items[0]["entry_threshold"] = 4000000.0
    elif change == "duplicate":
        items.append(dict(items[0]))
    elif change == "html":
        items[1]["name"] = "<script>alert(1)</script>"
    elif change == "missing-field":
        del items[2]["supervising_industry"]
    elif change == "no-items":
        data["version"]["items"] = []
    elif change == "bad-date":
        data["version"]["effective_from"] = "2019-02-30"
    elif change == "format":
        data["format"] = "other/1"
    elif change == "bad-family":
        data["categories"][0]["family"] = "weapons"
    return data


@pytest.mark.parametrize(
    "change",
    ["float", "duplicate", "html", "missing-field", "no-items", "bad-date", "format", "bad-family"],
)
def test_bad_files_load_nothing(tmp_path: Path, db: None, change: str) -> None:
    path = write(tmp_path, _broken(shipped(), change))
    with pytest.raises(InvalidInput) as caught:
        services.load_catalogue_file(path, actor="system")
    assert caught.value.message_zh and caught.value.message_en
    assert not TradeCategory.objects.exists()
    assert not CatalogueVersion.objects.exists()
    assert not LedgerEntry.objects.filter(kind__startswith="catalogue.").exists()


@pytest.mark.parametrize("content", [b"", b"{not json", b"\xff\xfe", b"[]"])
def test_unreadable_files(tmp_path: Path, db: None, content: bytes) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(InvalidInput) as caught:
        services.load_catalogue_file(path, actor="system")
    assert caught.value.code == "bad_catalogue_file"
    with pytest.raises(InvalidInput):
        services.load_catalogue_file(tmp_path / "missing.json", actor="system")
