"""Drafts, items, publication and supersession, with effective dates and the ledger."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest

from ggzy.accounts.models import Role, User
from ggzy.catalogue import services
from ggzy.catalogue.models import CatalogueItem, CatalogueVersion
from ggzy.catalogue.validation import ItemSpec
from ggzy.core.models import LedgerEntry
from ggzy.core.selectors import verify_ledger
from ggzy.kernel.errors import Conflict, Forbidden, InvalidInput, NotFound

from .conftest import TODAY

Status = CatalogueVersion.Status

WORKS = ItemSpec(
    category="CON-WORKS",
    name="城市更新工程施工",
    supervising_industry="housing",
    procedure_families=["open_tender", "invitation_tender"],
    entry_threshold="4000000.00",
    voluntary_threshold="1000000",
)


def kinds() -> list[str]:
    return list(LedgerEntry.objects.order_by("seq").values_list("kind", flat=True))


def payload(kind: str) -> dict[str, object]:
    entry = LedgerEntry.objects.filter(kind=kind).order_by("-seq").first()
    assert entry is not None, kind
    return dict(json.loads(entry.body))


# --- drafts ----------------------------------------------------------------------------


def test_draft_copies_the_published_version(draft: CatalogueVersion, catalogue_2019) -> None:
    assert draft.status == Status.DRAFT
    assert draft.number == catalogue_2019.number + 1
    assert draft.based_on == catalogue_2019
    assert draft.effective_from is None
    assert draft.items.count() == catalogue_2019.items.count() == 30
    assert set(draft.items.values_list("code", flat=True)) == set(
        catalogue_2019.items.values_list("code", flat=True)
    )
    body = payload("catalogue.draft_created")
    assert body == {"number": draft.number, "title": draft.title, "based_on": 1, "items": 30}
    entry = LedgerEntry.objects.get(kind="catalogue.draft_created")
    assert entry.subject == f"catalogue:v{draft.number}"
    assert entry.actor.startswith("user:")


def test_draft_without_any_published_version_is_empty(editor: User, frozen_clock) -> None:
    version = services.create_draft(actor_user=editor, title="首版目录")
    assert version.items.count() == 0
    assert version.based_on is None


def test_draft_based_on_an_older_version(draft: CatalogueVersion, editor: User) -> None:
    services.upsert_item(actor_user=editor, version=draft, code="NEW-ITEM", spec=WORKS)
    second = services.create_draft(actor_user=editor, title="另一草稿", based_on=draft)
    assert second.items.filter(code="NEW-ITEM").exists()


@pytest.mark.parametrize("who", ["city_staff", "entity_user"])
def test_only_provincial_staff_create_drafts(request, who: str, catalogue_2019) -> None:
    user = request.getfixturevalue(who)
    before = kinds()
    with pytest.raises(Forbidden):
        services.create_draft(actor_user=user, title="越权草稿")
    assert not CatalogueVersion.objects.filter(status=Status.DRAFT).exists()
    assert kinds() == before


def test_platform_admin_may_edit(catalogue_2019, frozen_clock) -> None:
    admin = User.objects.create_user(username="root", password="x-Pass-2026", role=Role.ADMIN)
    version = services.create_draft(actor_user=admin, title="管理员草稿")
    assert version.is_draft


@pytest.mark.parametrize(
    ("title", "code"),
    [
        ("", "text_required"),
        ("<script>alert(1)</script>", "text_markup"),
        ("目" * 201, "text_too_long"),
    ],
)
def test_draft_title_is_checked(editor: User, catalogue_2019, title: str, code: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        services.create_draft(actor_user=editor, title=title)
    assert caught.value.code == code
    assert caught.value.field == "title"
    assert CatalogueVersion.objects.count() == 1


# --- items -----------------------------------------------------------------------------


def test_add_then_change_an_item(draft: CatalogueVersion, editor: User) -> None:
    item, created = services.upsert_item(
        actor_user=editor, version=draft, code="con-works-renewal", spec=WORKS
    )
    assert created
    assert item.code == "CON-WORKS-RENEWAL"
    assert item.entry_threshold == Decimal("4000000.00")
    assert item.voluntary_threshold == Decimal("1000000.00")
    assert payload("catalogue.item_added")["entry_threshold"] == "4000000.00"

    changed = replace(WORKS, entry_threshold=5_000_000, name="城市更新工程施工（调整）")
    item, created = services.upsert_item(
        actor_user=editor, version=draft, code="CON-WORKS-RENEWAL", spec=changed
    )
    assert not created
    assert item.entry_threshold == Decimal("5000000.00")
    assert draft.items.filter(code="CON-WORKS-RENEWAL").count() == 1
    assert payload("catalogue.item_changed")["code"] == "CON-WORKS-RENEWAL"


def test_remove_an_item(draft: CatalogueVersion, editor: User) -> None:
    services.remove_item(actor_user=editor, version=draft, code="FOREST-RIGHTS")
    assert not draft.items.filter(code="FOREST-RIGHTS").exists()
    assert payload("catalogue.item_removed") == {"code": "FOREST-RIGHTS"}
    with pytest.raises(NotFound):
        services.remove_item(actor_user=editor, version=draft, code="FOREST-RIGHTS")


def test_published_version_is_never_edited(catalogue_2019, editor: User, frozen_clock) -> None:
    before = kinds()
    with pytest.raises(Conflict) as caught:
        services.upsert_item(actor_user=editor, version=catalogue_2019, code="X-1", spec=WORKS)
    assert caught.value.code == "version_not_draft"
    with pytest.raises(Conflict):
        services.remove_item(actor_user=editor, version=catalogue_2019, code="FOREST-RIGHTS")
    with pytest.raises(Conflict):
        services.publish(actor_user=editor, version=catalogue_2019, effective_from=TODAY)
    assert catalogue_2019.items.count() == 30
    assert kinds() == before


def test_city_staff_cannot_edit_items(draft: CatalogueVersion, city_staff: User) -> None:
    with pytest.raises(Forbidden):
        services.upsert_item(actor_user=city_staff, version=draft, code="X-1", spec=WORKS)
    with pytest.raises(Forbidden):
        services.remove_item(actor_user=city_staff, version=draft, code="FOREST-RIGHTS")
    assert draft.items.count() == 30


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"name": "<b>粗体</b>"}, "name", "text_markup"),
        ({"name": "<img src=x onerror=alert(1)>"}, "name", "text_markup"),
        ({"notes": "<script>x</script>"}, "notes", "text_markup"),
        ({"notes": "&lt;script&gt;x"}, "notes", "text_markup"),
        ({"legal_basis": "见 javascript:alert(1)"}, "legal_basis", "text_markup"),
        ({"name": "代码\u202e反向"}, "name", "text_control"),
        ({"name": "名" * 201}, "name", "text_too_long"),
        ({"description": "长" * 2001}, "description", "text_too_long"),
        ({"name": "   "}, "name", "text_required"),
        ({"name": "两行\n名称"}, "name", "text_control"),
        ({"entry_threshold": "-1"}, "entry_threshold", "negative_amount"),
        ({"entry_threshold": "四百万"}, "entry_threshold", "money_format"),
        ({"entry_threshold": "4,000,000"}, "entry_threshold", "money_format"),
        ({"entry_threshold": "1.234"}, "entry_threshold", "money_precision"),
        ({"entry_threshold": 4e6}, "entry_threshold", "money_float"),
        ({"entry_threshold": "NaN"}, "entry_threshold", "money_not_finite"),
        ({"entry_threshold": "1" * 20}, "entry_threshold", "money_range"),
        ({"voluntary_threshold": "5000000"}, "voluntary_threshold", "voluntary_above_threshold"),
        ({"must_enter": False}, "entry_threshold", "threshold_without_must_enter"),
        (
            {"must_enter": False, "entry_threshold": None, "voluntary_threshold": None},
            "voluntary_threshold",
            "required",
        ),
        ({"entry_threshold": None}, "voluntary_threshold", "voluntary_without_threshold"),
        ({"category": "NO-SUCH"}, "category", "unknown_category"),
        ({"category": "坏代码"}, "category", "invalid_code"),
        ({"supervising_industry": "police"}, "supervising_industry", "unknown_industry"),
        ({"procedure_families": []}, "procedure_families", "required"),
        ({"procedure_families": ["lottery"]}, "procedure_families", "unknown_procedure"),
        ({"procedure_families": ["auction"]}, "procedure_families", "procedure_not_allowed"),
        ({"procedure_families": "open_tender"}, "procedure_families", "invalid_type"),
        ({"must_enter": "yes"}, "must_enter", "invalid_type"),
        ({"sort_order": -1}, "sort_order", "invalid_sort_order"),
    ],
)
def test_bad_item_input_saves_nothing(
    draft: CatalogueVersion, editor: User, changes: dict[str, object], field: str, code: str
) -> None:
    before = kinds()
    with pytest.raises(InvalidInput) as caught:
        services.upsert_item(
            actor_user=editor, version=draft, code="CON-WORKS-NEW", spec=replace(WORKS, **changes)
        )
    assert (caught.value.field, caught.value.code) == (field, code)
    assert caught.value.message_zh and caught.value.message_en
    assert not draft.items.filter(code="CON-WORKS-NEW").exists()
    assert kinds() == before


@pytest.mark.parametrize("code", ["", "1ABC", "A B", "A_B", "ÄB", "A" * 33, "<X>", "A--B"])
def test_bad_item_codes(draft: CatalogueVersion, editor: User, code: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        services.upsert_item(actor_user=editor, version=draft, code=code, spec=WORKS)
    assert caught.value.field == "code"


def test_inactive_category_is_refused(draft: CatalogueVersion, editor: User) -> None:
    from ggzy.catalogue.models import TradeCategory

    TradeCategory.objects.filter(code="CON-WORKS").update(is_active=False)
    with pytest.raises(InvalidInput) as caught:
        services.upsert_item(actor_user=editor, version=draft, code="CON-WORKS-NEW", spec=WORKS)
    assert caught.value.code == "category_inactive"


def test_a_lone_less_than_sign_is_not_markup(draft: CatalogueVersion, editor: User) -> None:
    spec = replace(WORKS, notes="工期 < 30 天的抢险工程除外")
    item, _ = services.upsert_item(actor_user=editor, version=draft, code="CON-X", spec=spec)
    assert item.notes == "工期 < 30 天的抢险工程除外"


# --- publication -----------------------------------------------------------------------


def test_publish_today_supersedes_the_current_version(
    draft: CatalogueVersion, catalogue_2019: CatalogueVersion, editor: User
) -> None:
    published = services.publish(actor_user=editor, version=draft, effective_from=TODAY)
    catalogue_2019.refresh_from_db()
    assert published.status == Status.PUBLISHED
    assert published.effective_from == TODAY
    assert published.effective_to is None
    assert published.published_by == editor
    assert published.published_at is not None
    assert catalogue_2019.status == Status.SUPERSEDED
    assert catalogue_2019.effective_to == TODAY
    body = payload("catalogue.published")
    assert body["supersedes"] == catalogue_2019.number
    assert body["effective_from"] == TODAY.isoformat()
    assert body["content_sha256"] == services.content_hash(published)
    assert body["items"] == 30
    assert verify_ledger().ok


def test_publish_in_the_past_is_refused(draft: CatalogueVersion, editor: User) -> None:
    with pytest.raises(InvalidInput) as caught:
        services.publish(actor_user=editor, version=draft, effective_from=TODAY - timedelta(1))
    assert (caught.value.field, caught.value.code) == ("effective_from", "effective_from_past")
    draft.refresh_from_db()
    assert draft.is_draft
    assert CatalogueVersion.objects.get(number=1).status == Status.PUBLISHED


def test_effective_from_must_follow_the_latest_published(
    draft: CatalogueVersion, editor: User, catalogue_2019: CatalogueVersion
) -> None:
    later = TODAY + timedelta(days=10)
    services.publish(actor_user=editor, version=draft, effective_from=later)
    third = services.create_draft(actor_user=editor, title="第三版")
    assert third.based_on == draft  # the newest published version, though not yet in force
    for day in (TODAY + timedelta(days=5), later):
        with pytest.raises(InvalidInput) as caught:
            services.publish(actor_user=editor, version=third, effective_from=day)
        assert caught.value.code == "effective_from_not_after_current"
    services.publish(actor_user=editor, version=third, effective_from=later + timedelta(1))
    draft.refresh_from_db()
    catalogue_2019.refresh_from_db()
    assert (draft.status, draft.effective_to) == (Status.SUPERSEDED, later + timedelta(1))
    assert catalogue_2019.effective_to == later  # unchanged by the second publication
    assert CatalogueVersion.objects.filter(status=Status.PUBLISHED).get() == third


def test_publish_an_empty_draft_is_refused(editor: User, catalogue_2019, frozen_clock) -> None:
    empty = services.create_draft(actor_user=editor, title="空目录")
    for item in list(empty.items.values_list("code", flat=True)):
        services.remove_item(actor_user=editor, version=empty, code=item)
    with pytest.raises(InvalidInput) as caught:
        services.publish(actor_user=editor, version=empty, effective_from=TODAY)
    assert caught.value.code == "version_empty"


def test_only_provincial_staff_publish(draft: CatalogueVersion, city_staff: User) -> None:
    with pytest.raises(Forbidden):
        services.publish(actor_user=city_staff, version=draft, effective_from=TODAY)
    draft.refresh_from_db()
    assert draft.is_draft


def test_publish_twice_is_a_conflict(draft: CatalogueVersion, editor: User) -> None:
    services.publish(actor_user=editor, version=draft, effective_from=TODAY)
    with pytest.raises(Conflict):
        services.publish(actor_user=editor, version=draft, effective_from=TODAY + timedelta(1))


def test_discard_a_draft(draft: CatalogueVersion, editor: User, city_staff: User) -> None:
    with pytest.raises(Forbidden):
        services.discard_draft(actor_user=city_staff, version=draft)
    services.discard_draft(actor_user=editor, version=draft)
    assert not CatalogueVersion.objects.filter(pk=draft.pk).exists()
    assert not CatalogueItem.objects.filter(version_id=draft.pk).exists()
    assert payload("catalogue.draft_discarded") == {"number": draft.number}


def test_discarding_a_published_version_is_refused(catalogue_2019, editor: User) -> None:
    with pytest.raises(Conflict):
        services.discard_draft(actor_user=editor, version=catalogue_2019)


def test_every_change_is_witnessed(draft: CatalogueVersion, editor: User) -> None:
    services.upsert_item(actor_user=editor, version=draft, code="CON-X", spec=WORKS)
    services.remove_item(actor_user=editor, version=draft, code="CON-X")
    services.publish(actor_user=editor, version=draft, effective_from=TODAY + timedelta(days=30))
    assert [k for k in kinds() if k.startswith("catalogue.")] == [
        "catalogue.file_loaded",
        "catalogue.draft_created",
        "catalogue.item_added",
        "catalogue.item_removed",
        "catalogue.published",
    ]
    assert verify_ledger().ok


# --- categories ------------------------------------------------------------------------


def test_save_category_records_and_locks_family(catalogue_2019, editor: User) -> None:
    from ggzy.catalogue.models import TradeCategory

    category = TradeCategory(code="grain", name_zh="粮食收储", family="goods")
    services.save_category(actor_user=editor, category=category)
    assert category.code == "GRAIN"
    assert payload("catalogue.category_added")["code"] == "GRAIN"
    works = TradeCategory.objects.get(code="CON-WORKS")
    works.family = "goods"
    with pytest.raises(InvalidInput) as caught:
        services.save_category(actor_user=editor, category=works)
    assert caught.value.code == "category_family_locked"


def test_a_concurrent_publication_is_a_conflict(
    draft: CatalogueVersion, editor: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If another publication wins the race, the one-published-version index refuses ours."""
    services.publish(actor_user=editor, version=draft, effective_from=TODAY)
    late = services.create_draft(actor_user=editor, title="晚到的版本")
    monkeypatch.setattr(services, "_latest_published", lambda: None)  # it read before the winner
    with pytest.raises(Conflict) as caught:
        services.publish(actor_user=editor, version=late, effective_from=TODAY + timedelta(1))
    assert caught.value.code == "concurrent_publication"
    late.refresh_from_db()
    assert late.is_draft
