"""The only write path of the trading catalogue.

Only provincial centre staff (省交易中心) edit and publish the catalogue. Drafts are edited
freely; a published version is never edited again — a change is a new draft, published
with a later effective date, which supersedes the previous version from that date. Every
change is a ledger entry written in the same transaction as the data.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max

from ggzy.accounts.models import User
from ggzy.accounts.selectors import is_provincial_centre_staff
from ggzy.catalogue import events
from ggzy.core.services import SYSTEM_ACTOR, record
from ggzy.kernel import clock
from ggzy.kernel import ledger as chain
from ggzy.kernel.errors import Conflict, Forbidden, InvalidInput, NotFound

from .datafile import CatalogueFile, bad_file, read_catalogue_file
from .models import CatalogueItem, CatalogueVersion, TradeCategory
from .validation import (
    DOCUMENT_NUMBER_MAX,
    TITLE_MAX,
    ItemSpec,
    clean_category,
    clean_code,
    clean_item_spec,
    clean_text,
)

Status = CatalogueVersion.Status
PUBLISH_FIELDS = ["status", "effective_from", "effective_to", "published_at", "published_by"]


# --- helpers ---------------------------------------------------------------------------


def _require_editor(user: User) -> None:
    if not is_provincial_centre_staff(user):
        raise Forbidden(
            "只有省级公共资源交易中心工作人员可以编辑或发布交易目录",
            "only provincial trading centre staff may edit or publish the trading catalogue",
        )


def _subject(version: CatalogueVersion) -> str:
    return f"catalogue:v{version.number}"


def _locked(version: CatalogueVersion) -> CatalogueVersion:
    locked = CatalogueVersion.objects.select_for_update().filter(pk=version.pk).first()
    if locked is None:
        raise NotFound("目录版本不存在", "no such catalogue version", field="version")
    return locked


def _locked_draft(version: CatalogueVersion) -> CatalogueVersion:
    locked = _locked(version)
    if not locked.is_draft:
        raise Conflict(
            f"第{locked.number}版目录已发布，已发布的版本不能修改；请基于它新建草稿",
            f"catalogue version {locked.number} is published and can never be edited; "
            "create a new draft based on it",
            code="version_not_draft",
        )
    return locked


def _next_number() -> int:
    top = CatalogueVersion.objects.aggregate(top=Max("number"))["top"]
    return (top or 0) + 1


def _clean_title(title: str, document_number: str) -> tuple[str, str]:
    return (
        clean_text(title, field="title", label_zh="目录名称", max_length=TITLE_MAX, required=True),
        clean_text(
            document_number,
            field="document_number",
            label_zh="发文字号",
            max_length=DOCUMENT_NUMBER_MAX,
        ),
    )


def _latest_published() -> CatalogueVersion | None:
    return CatalogueVersion.objects.select_for_update().filter(status=Status.PUBLISHED).first()


def item_state(item: CatalogueItem) -> dict[str, Any]:
    """An item's content as plain JSON values (for comparison and the content hash)."""
    return {
        "code": item.code,
        "category": item.category.code,
        "name": item.name,
        "name_en": item.name_en,
        "description": item.description,
        "must_enter": item.must_enter,
        "entry_threshold": _amount(item.entry_threshold),
        "voluntary_threshold": _amount(item.voluntary_threshold),
        "supervising_industry": item.supervising_industry,
        "procedure_families": list(item.procedure_families),
        "notes": item.notes,
        "legal_basis": item.legal_basis,
        "sort_order": item.sort_order,
    }


def _amount(value: object) -> str | None:
    return None if value is None else str(value)


def content_hash(version: CatalogueVersion) -> str:
    """SHA-256 over the canonical JSON of a version's items, witnessed when published."""
    items = version.items.select_related("category").order_by("code")
    body = chain.canonical_json([item_state(item) for item in items])
    return hashlib.sha256(body.encode()).hexdigest()


def _category(code: object) -> TradeCategory:
    category_code = clean_code(code, field="category", label_zh="交易类别代码")
    category = TradeCategory.objects.filter(code=category_code).first()
    if category is None:
        raise InvalidInput(
            f"交易类别“{category_code}”不存在",
            f"unknown trade category '{category_code}'",
            code="unknown_category",
            field="category",
        )
    if not category.is_active:
        raise InvalidInput(
            f"交易类别“{category_code}”已停用",
            f"trade category '{category_code}' is disabled",
            code="category_inactive",
            field="category",
        )
    return category


def _clean(code: str, spec: ItemSpec) -> tuple[str, TradeCategory, ItemSpec]:
    item_code = clean_code(code)
    category = _category(spec.category)
    return item_code, category, clean_item_spec(spec, family=category.family)


def _item_fields(category: TradeCategory, clean: ItemSpec) -> dict[str, Any]:
    return {
        "category": category,
        "name": clean.name,
        "name_en": clean.name_en,
        "description": clean.description,
        "must_enter": clean.must_enter,
        "entry_threshold": clean.entry_threshold,
        "voluntary_threshold": clean.voluntary_threshold,
        "supervising_industry": clean.supervising_industry,
        "procedure_families": list(clean.procedure_families),
        "notes": clean.notes,
        "legal_basis": clean.legal_basis,
        "sort_order": clean.sort_order,
    }


def _write_item(version: CatalogueVersion, code: str, spec: ItemSpec) -> tuple[CatalogueItem, bool]:
    """Validate ``spec`` and save it as item ``code`` of ``version`` (no checks on state)."""
    item_code, category, clean = _clean(code, spec)
    item, created = CatalogueItem.objects.update_or_create(
        version=version, code=item_code, defaults=_item_fields(category, clean)
    )
    return item, created


# --- drafts ----------------------------------------------------------------------------


@transaction.atomic
def create_draft(
    *,
    actor_user: User,
    title: str,
    document_number: str = "",
    based_on: CatalogueVersion | None = None,
) -> CatalogueVersion:
    """A new draft holding a copy of ``based_on``'s items (default: the latest published)."""
    _require_editor(actor_user)
    clean_title, clean_document = _clean_title(title, document_number)
    source = based_on if based_on is not None else _latest_published()
    try:
        with transaction.atomic():
            version = CatalogueVersion.objects.create(
                number=_next_number(),
                title=clean_title,
                document_number=clean_document,
                status=Status.DRAFT,
                based_on=source,
                created_at=clock.now(),
                created_by=actor_user,
            )
    except IntegrityError:
        raise Conflict(
            "另一草稿正在同时创建，请重试", "another draft was created at the same time; retry"
        ) from None
    copies = []
    if source is not None:
        for item in source.items.all():
            item.pk = None
            item.version = version
            copies.append(item)
        CatalogueItem.objects.bulk_create(copies)
    record(
        events.CATALOGUE_DRAFT_CREATED,
        subject=_subject(version),
        actor=actor_user.actor,
        payload={
            "number": version.number,
            "title": version.title,
            "based_on": source.number if source else None,
            "items": len(copies),
        },
    )
    return version


@transaction.atomic
def upsert_item(
    *, actor_user: User, version: CatalogueVersion, code: str, spec: ItemSpec
) -> tuple[CatalogueItem, bool]:
    """Add or replace item ``code`` of a draft; return the item and whether it is new."""
    _require_editor(actor_user)
    draft = _locked_draft(version)
    item, created = _write_item(draft, code, spec)
    record(
        events.CATALOGUE_ITEM_ADDED if created else events.CATALOGUE_ITEM_CHANGED,
        subject=_subject(draft),
        actor=actor_user.actor,
        payload={
            "code": item.code,
            "category": item.category.code,
            "must_enter": item.must_enter,
            "entry_threshold": _amount(item.entry_threshold),
            "voluntary_threshold": _amount(item.voluntary_threshold),
            "procedure_families": item.procedure_families,
        },
    )
    return item, created


@transaction.atomic
def remove_item(*, actor_user: User, version: CatalogueVersion, code: str) -> None:
    _require_editor(actor_user)
    draft = _locked_draft(version)
    item_code = clean_code(code)
    deleted, _ = CatalogueItem.objects.filter(version=draft, code=item_code).delete()
    if not deleted:
        raise NotFound(
            f"第{draft.number}版目录中没有事项“{item_code}”",
            f"catalogue version {draft.number} has no item '{item_code}'",
            field="code",
        )
    record(
        events.CATALOGUE_ITEM_REMOVED,
        subject=_subject(draft),
        actor=actor_user.actor,
        payload={"code": item_code},
    )


@transaction.atomic
def discard_draft(*, actor_user: User, version: CatalogueVersion) -> None:
    """Delete a draft that will not be published."""
    _require_editor(actor_user)
    draft = _locked_draft(version)
    number = draft.number
    draft.delete()
    record(
        events.CATALOGUE_DRAFT_DISCARDED,
        subject=f"catalogue:v{number}",
        actor=actor_user.actor,
        payload={"number": number},
    )


# --- publication -----------------------------------------------------------------------


def _supersede(previous: CatalogueVersion | None, effective_from: date) -> None:
    if previous is None:
        return
    if effective_from <= previous.effective_from:  # type: ignore[operator]
        raise InvalidInput(
            f"生效日期须晚于现行第{previous.number}版目录的生效日期（{previous.effective_from}）",
            f"effective_from must be after the effective date of the current version "
            f"{previous.number} ({previous.effective_from})",
            code="effective_from_not_after_current",
            field="effective_from",
        )
    previous.status = Status.SUPERSEDED
    previous.effective_to = effective_from
    previous.save(update_fields=["status", "effective_to"])


def _mark_published(
    version: CatalogueVersion, effective_from: date, publisher: User | None
) -> None:
    version.status = Status.PUBLISHED
    version.effective_from = effective_from
    version.effective_to = None
    version.published_at = clock.now()
    version.published_by = publisher
    try:
        with transaction.atomic():  # a savepoint: the unique index may refuse the row
            version.save(update_fields=PUBLISH_FIELDS)
    except IntegrityError:
        # Another version was published concurrently (one published version at a time).
        raise Conflict(
            "另一版本刚刚发布，请刷新后重试",
            "another version was published at the same time; reload and retry",
            code="concurrent_publication",
        ) from None


def _published_payload(
    version: CatalogueVersion, previous: CatalogueVersion | None
) -> dict[str, Any]:
    return {
        "number": version.number,
        "title": version.title,
        "document_number": version.document_number,
        "effective_from": version.effective_from,
        "items": version.items.count(),
        "content_sha256": content_hash(version),
        "supersedes": previous.number if previous else None,
    }


@transaction.atomic
def publish(
    *, actor_user: User, version: CatalogueVersion, effective_from: date
) -> CatalogueVersion:
    """Publish a draft from ``effective_from`` (today or later, after the current version)."""
    _require_editor(actor_user)
    draft = _locked_draft(version)
    if isinstance(effective_from, datetime) or not isinstance(effective_from, date):
        raise InvalidInput("生效日期无效", "effective_from must be a date", field="effective_from")
    today = clock.today()
    if effective_from < today:
        raise InvalidInput(
            f"生效日期（{effective_from}）不能早于今天（{today}）",
            f"effective_from ({effective_from}) must not be before today ({today})",
            code="effective_from_past",
            field="effective_from",
        )
    if not draft.items.exists():
        raise InvalidInput(
            f"第{draft.number}版目录没有任何事项，不能发布",
            f"catalogue version {draft.number} has no items and cannot be published",
            code="version_empty",
        )
    previous = _latest_published()
    _supersede(previous, effective_from)
    _mark_published(draft, effective_from, actor_user)
    record(
        events.CATALOGUE_PUBLISHED,
        subject=_subject(draft),
        actor=actor_user.actor,
        payload=_published_payload(draft, previous),
    )
    return draft


# --- reference data --------------------------------------------------------------------


def check_category(category: TradeCategory) -> None:
    """Normalise and check a category about to be saved (used by the admin form too)."""
    clean_category(category)
    if category.pk is None:
        return
    stored = TradeCategory.objects.filter(pk=category.pk).first()
    if stored and stored.family != category.family and stored.items.exists():
        raise InvalidInput(
            "已被目录事项引用的类别不能改变交易大类",
            "the family of a category used by catalogue items cannot change",
            code="category_family_locked",
            field="family",
        )


@transaction.atomic
def save_category(*, actor_user: User, category: TradeCategory) -> TradeCategory:
    """Create or change a trade category (from the admin); categories are not versioned."""
    _require_editor(actor_user)
    check_category(category)
    created = category.pk is None
    category.save()
    record(
        events.CATALOGUE_CATEGORY_ADDED if created else events.CATALOGUE_CATEGORY_CHANGED,
        subject=f"catalogue_category:{category.code}",
        actor=actor_user.actor,
        payload={
            "code": category.code,
            "name_zh": category.name_zh,
            "family": category.family,
            "sector": category.sector,
            "is_active": category.is_active,
        },
    )
    return category


# --- data files ------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadReport:
    version: CatalogueVersion
    categories_added: int
    categories_changed: int
    version_created: bool

    @property
    def changed(self) -> bool:
        return bool(self.categories_added or self.categories_changed or self.version_created)


def _load_categories(rows: list[dict[str, Any]], file_name: str) -> tuple[int, int]:
    added = changed = 0
    for row in rows:
        candidate = TradeCategory(**row)
        clean_category(candidate)
        stored = TradeCategory.objects.filter(code=candidate.code).first()
        if stored is None:
            candidate.save()
            added += 1
            continue
        if stored.family != candidate.family:
            raise bad_file(
                file_name,
                f"类别 {stored.code} 的交易大类与已存数据不同",
                f"category {stored.code} has a different family than the stored one",
            )
        updates = {
            name: getattr(candidate, name)
            for name in ("name_zh", "name_en", "sector", "description", "sort_order")
            if getattr(stored, name) != getattr(candidate, name)
        }
        if updates:
            TradeCategory.objects.filter(pk=stored.pk).update(**updates)
            changed += 1
    return added, changed


def _same_items(version: CatalogueVersion, specs: list[tuple[str, ItemSpec]]) -> bool:
    """Whether ``version`` holds exactly the items ``specs`` describe."""
    stored = {item.code: item_state(item) for item in version.items.select_related("category")}
    wanted = {}
    for code, spec in specs:
        item_code, category, clean = _clean(code, spec)
        item = CatalogueItem(code=item_code, **_item_fields(category, clean))
        wanted[item_code] = item_state(item)
    return stored == wanted


def _create_loaded_version(source: CatalogueFile, user: User | None) -> CatalogueVersion:
    title, document_number = _clean_title(source.title, source.document_number)
    version = CatalogueVersion.objects.create(
        number=_next_number(),
        title=title,
        document_number=document_number,
        source=source.key,
        created_at=clock.now(),
        created_by=user,
    )
    for code, spec in source.items:
        _write_item(version, code, spec)
    _supersede(_latest_published(), source.effective_from)
    _mark_published(version, source.effective_from, user)
    return version


@transaction.atomic
def load_catalogue_file(path: Path | str, *, actor: User | str = SYSTEM_ACTOR) -> LoadReport:
    """Load a catalogue data file idempotently (``ggzy demo`` loads ``datafile.HUNAN_2019``).

    Categories are added or updated. The file's version (identified by ``version.key``) is
    created and published at its own effective date — an import of a catalogue already in
    force, so the "today or later" rule of ``publish`` does not apply, but it must be later
    than the latest published version. Loading the same file again changes nothing; a
    file whose items differ from the stored, published version is refused.
    """
    user = actor if isinstance(actor, User) else None
    if user is not None:
        _require_editor(user)
    source = read_catalogue_file(path)
    added, changed = _load_categories(source.categories, source.name)
    version = CatalogueVersion.objects.filter(source=source.key).first()
    created = version is None
    if version is None:
        version = _create_loaded_version(source, user)
    elif not _same_items(version, source.items):
        raise Conflict(
            f"数据文件中的“{source.key}”与已载入的第{version.number}版目录内容不同；"
            "已发布的版本不能修改，请新建草稿",
            f"the file's version '{source.key}' differs from the loaded version "
            f"{version.number}; published versions are never edited — create a new draft",
            code="loaded_version_differs",
        )
    report = LoadReport(version, added, changed, created)
    if report.changed:
        record(
            events.CATALOGUE_FILE_LOADED,
            subject=_subject(version),
            actor=user.actor if user else str(actor),
            payload={
                "file": source.name,
                "file_sha256": source.sha256,
                "source": source.key,
                "categories_added": added,
                "categories_changed": changed,
                "version_created": created,
                "content_sha256": content_hash(version),
            },
        )
    return report
