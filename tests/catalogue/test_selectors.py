"""The version in force on a date, item look-ups and the entry requirement."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser

from ggzy.accounts.models import User
from ggzy.catalogue import selectors, services
from ggzy.catalogue.models import CatalogueVersion
from ggzy.kernel.errors import InvalidInput, NotFound

from .conftest import TODAY


def test_version_in_force_on_a_date(
    catalogue_2019: CatalogueVersion, draft: CatalogueVersion, editor: User
) -> None:
    assert selectors.current_version(date(2018, 12, 31)) is None
    assert selectors.current_version(date(2019, 1, 1)) == catalogue_2019
    assert selectors.current_version() == catalogue_2019  # drafts are never in force
    start = TODAY + timedelta(days=10)
    services.publish(actor_user=editor, version=draft, effective_from=start)
    assert selectors.current_version() == catalogue_2019
    assert selectors.current_version(start - timedelta(1)) == catalogue_2019
    assert selectors.current_version(start) == draft
    assert selectors.current_version(start + timedelta(days=3650)) == draft
    assert selectors.current_version(date(2020, 6, 1)) == catalogue_2019


def test_default_day_follows_the_clock(
    catalogue_2019: CatalogueVersion, draft: CatalogueVersion, editor: User, frozen_clock
) -> None:
    services.publish(actor_user=editor, version=draft, effective_from=TODAY + timedelta(1))
    assert selectors.current_version() == catalogue_2019
    frozen_clock.advance(timedelta(days=1))
    assert selectors.current_version() == draft
    assert selectors.item_by_code("CON-WORKS-HOUSING").version == draft


def test_items_by_family(catalogue_2019: CatalogueVersion) -> None:
    land = selectors.items(family="land")
    assert {i.code for i in land} == {"LAND-STATE-CONSTRUCTION", "LAND-SMALL-PARCEL"}
    assert selectors.items().count() == 30
    other = {i.code for i in selectors.items(family="other_rights")}
    assert {"FOREST-RIGHTS", "ENV-CARBON", "SAND-MINING", "CONCESSION-PUBLIC-UTILITIES"} <= other
    assert selectors.items(on=date(2000, 1, 1)).count() == 0
    with pytest.raises(InvalidInput) as caught:
        selectors.items(family="weapons")
    assert caught.value.code == "unknown_family"


def test_item_by_code(catalogue_2019: CatalogueVersion) -> None:
    item = selectors.item_by_code(" con-works-housing ")
    assert item.code == "CON-WORKS-HOUSING"
    assert item.supervising_industry == "housing"
    with pytest.raises(NotFound) as caught:
        selectors.item_by_code("NO-SUCH-ITEM")
    assert "NO-SUCH-ITEM" in caught.value.message_zh
    with pytest.raises(NotFound) as caught:
        selectors.item_by_code("CON-WORKS-HOUSING", on=date(2018, 1, 1))
    assert caught.value.code == "no_catalogue"
    with pytest.raises(InvalidInput):
        selectors.item_by_code("<script>")


@pytest.mark.parametrize(
    ("code", "amount", "must", "voluntary"),
    [
        # works: must-tender at ¥4,000,000 (NDRC Order 16 Art 5); voluntary from ¥1,000,000
        ("CON-WORKS-HOUSING", "4000000.00", True, False),
        ("CON-WORKS-HOUSING", "12000000", True, False),
        ("CON-WORKS-HOUSING", "3999999.99", False, True),
        ("CON-WORKS-HOUSING", "1000000", False, True),
        ("CON-WORKS-HOUSING", "999999.99", False, False),
        ("CON-WORKS-HOUSING", "0", False, False),
        # important equipment and materials: ¥2,000,000
        ("CON-GOODS-EQUIPMENT", "2000000", True, False),
        ("CON-GOODS-EQUIPMENT", "1999999.99", False, True),
        # survey / design / supervision: ¥1,000,000, no voluntary band below it
        ("CON-SERVICES-SUPERVISION", "1000000", True, False),
        ("CON-SERVICES-SUPERVISION", "999999.99", False, False),
        # government procurement above the (configurable) procurement threshold
        ("GP-GOODS-MEDICAL", "1000000", True, False),
        ("GP-GOODS-MEDICAL", "500000", False, False),
        # land and state property enter whatever the amount
        ("LAND-STATE-CONSTRUCTION", "0", True, False),
        ("STATE-PROPERTY-EQUITY", "88000000", True, False),
        # rights brought in step by step: voluntary at any amount
        ("FOREST-RIGHTS", "0", False, True),
        ("ENV-CARBON", "250000.50", False, True),
    ],
)
def test_entry_requirement(
    catalogue_2019: CatalogueVersion, code: str, amount: str, must: bool, voluntary: bool
) -> None:
    item = selectors.item_by_code(code)
    result = selectors.entry_requirement(item, Decimal(amount))
    assert (result.must_enter, result.voluntary_allowed) == (must, voluntary)
    assert result.may_enter == (must or voluntary)
    assert result.item_code == code
    assert item.name in result.reason_zh
    assert "湖南省公共资源交易目录（2019年本）" in result.reason_zh
    assert code in result.reason_en


def test_entry_requirement_reasons_cite_the_amounts(catalogue_2019: CatalogueVersion) -> None:
    item = selectors.item_by_code("CON-WORKS-WATER")
    must = selectors.entry_requirement(item, Decimal("4000000"))
    assert "¥4,000,000.00" in must.reason_zh and "必须进入" in must.reason_zh
    assert "must enter" in must.reason_en
    maybe = selectors.entry_requirement(item, Decimal("1500000"))
    assert "¥1,500,000.00" in maybe.reason_zh and "可自愿进场" in maybe.reason_zh
    assert "voluntarily" in maybe.reason_en
    assert must.entry_threshold == Decimal("4000000.00")
    assert must.voluntary_threshold == Decimal("1000000.00")


@pytest.mark.parametrize(
    ("amount", "code"),
    [("-0.01", "negative_amount"), (1.5, "money_float"), ("abc", "money_format")],
)
def test_entry_requirement_refuses_bad_amounts(
    catalogue_2019: CatalogueVersion, amount: object, code: str
) -> None:
    item = selectors.item_by_code("CON-WORKS-WATER")
    with pytest.raises(InvalidInput) as caught:
        selectors.entry_requirement(item, amount)  # type: ignore[arg-type]
    assert (caught.value.code, caught.value.field) == (code, "amount")


def test_visibility_of_drafts(draft: CatalogueVersion, editor: User, city_staff: User) -> None:
    assert draft in selectors.versions_visible_to(editor)
    assert draft not in selectors.versions_visible_to(city_staff)
    assert draft not in selectors.versions_visible_to(AnonymousUser())
    assert draft not in selectors.versions_visible_to(None)
    with pytest.raises(NotFound):
        selectors.version_for(city_staff, draft.pk)
    assert selectors.version_for(editor, draft.pk) == draft
    assert list(selectors.history()) == [CatalogueVersion.objects.get(number=1)]


def test_workspace_context(draft: CatalogueVersion, editor: User, city_staff: User) -> None:
    mine = selectors.workspace_context(editor)
    assert mine["catalogue_can_manage"] is True
    assert mine["catalogue_drafts"] == [draft]
    assert mine["catalogue_current"].number == 1
    theirs = selectors.workspace_context(city_staff)
    assert theirs["catalogue_can_manage"] is False
    assert "catalogue_drafts" not in theirs


def test_grouped_items_follow_family_order(catalogue_2019: CatalogueVersion) -> None:
    groups = selectors.grouped_items(catalogue_2019)
    assert [g["family"] for g in groups] == [
        "works",
        "goods",
        "services",
        "land",
        "mining",
        "state_property",
        "other_rights",
    ]
    works = groups[0]
    assert [c["category"].code for c in works["categories"]] == ["CON-WORKS", "GP-WORKS"]
    assert sum(len(c["items"]) for g in groups for c in g["categories"]) == 30
