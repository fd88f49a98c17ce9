"""Reads about market entities, scoped to what the user may see (最小权限).

Centre staff, supervisors and oversight bodies see every entity (one registration is valid
across the province); an entity's own users see only their entity; nobody else sees any.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext

from ggzy.accounts.models import STAFF_ROLES, Region, Role, User
from ggzy.accounts.selectors import is_centre_staff
from ggzy.kernel import clock
from ggzy.kernel.errors import Forbidden, NotFound
from ggzy.workspace.todo import Todo, todo

from .models import (
    Certificate,
    EntityKind,
    EntityRevision,
    EntityStatus,
    EntityUser,
    MarketEntity,
    Qualification,
    RevisionStatus,
    StaffMember,
)
from .validation import ENTITY_FIELDS, FIELD_LABELS


def public_stats() -> dict[str, int]:
    """Counts shown on the public home page."""
    return {
        "approved_entities": MarketEntity.objects.filter(status=EntityStatus.APPROVED).count(),
        "pending_entities": MarketEntity.objects.filter(status=EntityStatus.PENDING).count(),
    }


def live_data(entity: MarketEntity) -> dict[str, Any]:
    """The entity row's fields, in the shape of ``validation.EntityData``."""
    data = {name: getattr(entity, name) for name in ENTITY_FIELDS if name != "region"}
    data["region"] = entity.region_id
    return data


def can_read_all(user: User) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role in STAFF_ROLES))


def entity_of(user: User) -> MarketEntity | None:
    """The entity a market-entity user acts for, if any."""
    if not user.is_authenticated:
        return None
    link = EntityUser.objects.select_related("entity").filter(user=user).first()
    return link.entity if link else None


def entities_visible_to(user: User) -> QuerySet[MarketEntity]:
    entities = MarketEntity.objects.select_related("region")
    if can_read_all(user):
        return entities
    if user.is_authenticated:
        return entities.filter(users__user=user)
    return entities.none()


def get_entity(user: User, entity_id: int) -> MarketEntity:
    """One entity, or ``NotFound`` — also when it exists but the user may not see it."""
    entity = entities_visible_to(user).filter(pk=entity_id).first()
    if entity is None:
        raise NotFound(
            f"市场主体 {entity_id} 不存在或无权查看",
            f"no market entity {entity_id}, or you may not see it",
            field="entity",
        )
    return entity


def revisions_of(user: User, entity_id: int) -> QuerySet[EntityRevision]:
    entity = get_entity(user, entity_id)
    return entity.revisions.select_related("submitted_by", "reviewed_by").order_by("-number")


def pending_revisions(user: User) -> QuerySet[EntityRevision]:
    """The review queue (待审核), oldest first — centre staff only."""
    if not is_centre_staff(user):
        raise Forbidden(
            "只有交易中心工作人员才能查看审核队列",
            "only trading-centre staff may see the review queue",
        )
    return (
        EntityRevision.objects.filter(status=RevisionStatus.PENDING)
        .select_related("entity", "submitted_by")
        .order_by("submitted_at", "id")
    )


@dataclass(frozen=True)
class Change:
    field: str
    label_zh: str
    label_en: str
    before: Any
    after: Any

    @property
    def before_text(self) -> str:
        return self._text(self.before)

    @property
    def after_text(self) -> str:
        return self._text(self.after)

    def _text(self, value: Any) -> str:
        return _item_text(value) if isinstance(value, dict) else _shown(self.field, value)


def _item_text(item: dict[str, Any]) -> str:
    """A qualification or staff member of a snapshot, in one line."""
    if "type" in item:
        head = f"{item['type']} {item.get('level', '')}".strip()
        return f"{head}（{item['certificate_no']}，{item['valid_until']}）"
    parts = (item.get("name", ""), item.get("position", ""), item.get("certificate_no", ""))
    return " ".join(p for p in parts if p)


@dataclass(frozen=True)
class ReviewView:
    revision: EntityRevision
    approved: EntityRevision | None
    changes: list[Change]

    @property
    def rows(self) -> list[Row]:
        changed = {c.field for c in self.changes} if self.approved else set()
        return data_rows(self.revision.data, changed)


@dataclass(frozen=True)
class Row:
    field: str
    label_zh: str
    label_en: str
    value: str
    changed: bool = False


def _shown(name: str, value: Any) -> str:
    if isinstance(value, bool):
        return gettext("是") if value else gettext("否")
    if name == "kind":
        return str(EntityKind(value).label) if value in EntityKind.values else str(value)
    return "" if value is None else str(value)


NOT_FOR_KIND: dict[str, frozenset[str]] = {
    EntityKind.LEGAL: frozenset({"resident_id"}),
    EntityKind.PERSON: frozenset({"uscc", "legal_rep_name", "legal_rep_id"}),
}


def data_rows(data: dict[str, Any], changed: set[str] | frozenset[str] = frozenset()) -> list[Row]:
    """The entity fields of ``data`` as labelled rows for a table (changed ones marked);
    fields that do not apply to the entity's kind are left out."""
    hidden = NOT_FOR_KIND.get(str(data.get("kind")), frozenset())
    shown = dict(data)
    if shown.get("region"):
        region = Region.objects.filter(code=shown["region"]).first()
        shown["region"] = str(region) if region else shown["region"]
    return [
        Row(name, zh, en, _shown(name, shown.get(name)), name in changed)
        for name, (zh, en) in FIELD_LABELS.items()
        if name in data and name not in hidden
    ]


def _approved_revision(entity: MarketEntity) -> EntityRevision | None:
    if not entity.version:
        return None
    return entity.revisions.filter(number=entity.version).first()


def diff(before: dict[str, Any] | None, after: dict[str, Any]) -> list[Change]:
    """Field-by-field differences, including qualifications and staff (by id)."""
    before = before or {}
    changes = [
        Change(name, zh, en, before.get(name), after.get(name))
        for name, (zh, en) in FIELD_LABELS.items()
        if before.get(name) != after.get(name)
    ]
    for key, zh, en in (("qualifications", "资质", "qualifications"), ("staff", "人员", "staff")):
        old = {item["id"]: item for item in before.get(key, [])}
        new = {item["id"]: item for item in after.get(key, [])}
        for item_id in sorted(set(new) - set(old)):
            changes.append(Change(key, f"新增{zh}", f"new {en}", None, new[item_id]))
    return changes


def review_view(user: User, revision_id: int) -> ReviewView:
    """A revision with the diff against the approved version (for the review page)."""
    if not is_centre_staff(user):
        raise Forbidden(
            "只有交易中心工作人员才能审核市场主体信息",
            "only trading-centre staff may review market entity registrations",
        )
    revision = (
        EntityRevision.objects.select_related("entity", "submitted_by", "reviewed_by")
        .filter(pk=revision_id)
        .first()
    )
    if revision is None:
        raise NotFound(f"版本 {revision_id} 不存在", f"no revision {revision_id}")
    approved = _approved_revision(revision.entity)
    if approved is not None and approved.pk == revision.pk:
        approved = (
            revision.entity.revisions.filter(
                status=RevisionStatus.APPROVED, number__lt=revision.number
            )
            .order_by("-number")
            .first()
        )
    return ReviewView(
        revision=revision,
        approved=approved,
        changes=diff(approved.data if approved else None, revision.data),
    )


def expiry_state(valid_until: date, today: date | None = None) -> str:
    """ "bad" when expired, "warn" within the warning period, else "ok" (badge classes)."""
    today = today or clock.today()
    if valid_until < today:
        return "bad"
    if valid_until <= today + timedelta(days=settings.GGZY_QUALIFICATION_WARNING_DAYS):
        return "warn"
    return "ok"


def qualifications_of(entity: MarketEntity) -> list[tuple[Qualification, str]]:
    today = clock.today()
    return [(q, expiry_state(q.valid_until, today)) for q in entity.qualifications.all()]


def expiring_qualifications(entity: MarketEntity) -> list[Qualification]:
    horizon = clock.today() + timedelta(days=settings.GGZY_QUALIFICATION_WARNING_DAYS)
    return list(entity.qualifications.filter(valid_until__lte=horizon))


def due_for_expiry_warning() -> QuerySet[Qualification]:
    """Every qualification expired or within the warning period (for the periodic task)."""
    horizon = clock.today() + timedelta(days=settings.GGZY_QUALIFICATION_WARNING_DAYS)
    return Qualification.objects.filter(valid_until__lte=horizon).select_related("entity")


def qualification_for(user: User, qualification_id: int) -> Qualification:
    """One qualification of an entity the user may see (for its scanned file)."""
    found = (
        Qualification.objects.filter(
            pk=qualification_id, entity__in=entities_visible_to(user).values("pk")
        )
        .select_related("entity")
        .first()
    )
    if found is None:
        raise NotFound(
            f"资质 {qualification_id} 不存在或无权查看",
            f"no qualification {qualification_id}, or you may not see it",
            field="qualification",
        )
    return found


def staff_of(entity: MarketEntity) -> QuerySet[StaffMember]:
    return entity.staff.all()


def certificates_of(user: User) -> QuerySet[Certificate]:
    """Certificates bound to the user, or to the user's entity."""
    entity = entity_of(user)
    if entity is not None:
        return Certificate.objects.filter(entity=entity) | Certificate.objects.filter(user=user)
    return Certificate.objects.filter(user=user)


def entity_page(entity: MarketEntity) -> dict[str, Any]:
    """Everything the entity page shows (the caller has checked the user may see it)."""
    revisions = list(entity.revisions.select_related("reviewed_by").order_by("-number"))
    return {
        "entity": entity,
        "rows": data_rows(live_data(entity)),
        "revisions": revisions,
        "pending": next((r for r in revisions if r.status == RevisionStatus.PENDING), None),
        "qualifications": qualifications_of(entity),
        "staff": staff_of(entity),
        "certificates": Certificate.objects.filter(entity=entity),
    }


def workspace_context(user: User) -> dict[str, Any]:
    """The entities panel of the workspace, per role."""
    if not user.is_authenticated:
        return {}
    if user.role == Role.ENTITY:
        entity = entity_of(user)
        if entity is None:
            return {"entities_panel": "entity", "my_entity": None}
        return {
            "entities_panel": "entity",
            "my_entity": entity,
            "my_pending": entity.revisions.filter(status=RevisionStatus.PENDING).first(),
            "my_expiring": [
                (q, expiry_state(q.valid_until)) for q in expiring_qualifications(entity)
            ],
        }
    if is_centre_staff(user):
        return {
            "entities_panel": "centre",
            "entities_pending_count": EntityRevision.objects.filter(
                status=RevisionStatus.PENDING
            ).count(),
        }
    if can_read_all(user):
        return {"entities_panel": "readonly"}
    return {}


def todos(user: User) -> list[Todo]:
    """Centre staff: registrations and changes to review. An entity's users: qualifications
    expired or about to expire, to renew."""
    if not user.is_authenticated:
        return []
    if is_centre_staff(user):
        return [
            todo(
                "entities.review",
                f"审核市场主体信息（第{r.number}版）",
                f"Review a market entity's registration (version {r.number})",
                code=r.entity.uscc,
                name=r.entity.name,
                link=reverse("entities:review", args=[r.pk]),
            )
            for r in pending_revisions(user)
        ]
    entity = entity_of(user) if user.role == Role.ENTITY else None
    if entity is None:
        return []
    return [
        todo(
            "entities.renew_qualification",
            f"更新资质：{q.type}（{q.certificate_no}）",
            f"Renew a qualification: {q.type} ({q.certificate_no})",
            code=entity.uscc,
            name=entity.name,
            link=reverse("entities:mine"),
            deadline=q.valid_until,
        )
        for q in expiring_qualifications(entity)
    ]
