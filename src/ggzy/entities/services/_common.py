"""Pieces shared by the entity services: snapshots, digests, locks, membership checks."""

from __future__ import annotations

import hashlib
from typing import Any

from django.db.models import Max, Q

from ggzy.accounts.models import User
from ggzy.core.models import LedgerEntry
from ggzy.core.services import record
from ggzy.kernel import clock
from ggzy.kernel.errors import Forbidden, NotFound
from ggzy.kernel.ledger import canonical_json

from ..models import (
    EntityRevision,
    EntityStatus,
    MarketEntity,
    Qualification,
    RevisionStatus,
    StaffMember,
)
from ..validation import ENTITY_FIELDS


def subject_of(entity: MarketEntity) -> str:
    return f"entity:{entity.pk}"


def digest(value: Any) -> str:
    """SHA-256 of the canonical JSON of ``value`` (for ledger payloads)."""
    return hashlib.sha256(canonical_json(value).encode()).hexdigest()


def record_revision(
    event: str,
    entity: MarketEntity,
    revision: EntityRevision,
    /,
    *,
    user: User,
    ip: str | None,
    **extra: Any,
) -> LedgerEntry:
    """Witness a revision event in the ledger: the version, its status and its data digest."""
    return record(
        event,
        subject=subject_of(entity),
        actor=user.actor,
        ip=ip,
        payload={
            "entity_id": entity.pk,
            "revision": revision.number,
            "status": revision.status,
            "data_sha256": digest(revision.data),
            **extra,
        },
    )


def mask_id(number: str) -> str:
    return f"{number[:6]}********{number[-4:]}" if len(number) == 18 else "****"


def _items_for(entity: MarketEntity, revision: EntityRevision | None) -> Q:
    scope = Q(entity=entity, approved=True)
    if revision is not None:
        scope |= Q(entity=entity, revision=revision)
    return scope


def snapshot(entity: MarketEntity, fields: dict[str, Any], revision: EntityRevision | None) -> dict:
    """The revision's data: entity fields, plus the approved qualifications and staff and
    those submitted with ``revision`` (staff resident IDs masked)."""
    qualifications = Qualification.objects.filter(_items_for(entity, revision)).order_by("id")
    staff = StaffMember.objects.filter(_items_for(entity, revision)).order_by("id")
    return {
        **fields,
        "qualifications": [
            {
                "id": q.pk,
                "type": q.type,
                "level": q.level,
                "certificate_no": q.certificate_no,
                "issuer": q.issuer,
                "valid_until": q.valid_until.isoformat(),
                "file_sha256": q.file_sha256,
                "approved": q.approved,
            }
            for q in qualifications
        ],
        "staff": [
            {
                "id": s.pk,
                "name": s.name,
                "resident_id": mask_id(s.resident_id),
                "position": s.position,
                "certificate_no": s.certificate_no,
                "approved": s.approved,
            }
            for s in staff
        ],
    }


def lock_entity(entity_id: int) -> MarketEntity:
    entity = MarketEntity.objects.select_for_update().filter(pk=entity_id).first()
    if entity is None:
        raise NotFound(
            f"市场主体 {entity_id} 不存在", f"no market entity {entity_id}", field="entity"
        )
    return entity


def require_member(user: User, entity: MarketEntity) -> None:
    """Only the entity's own users act for it (centre staff review, they do not edit)."""
    link = getattr(user, "entity_link", None)
    if link is None or link.entity_id != entity.pk:
        raise Forbidden(
            "只有该市场主体的用户才能提交或修改其信息",
            "only the market entity's own users may submit or change its data",
        )


def pending_revision(entity: MarketEntity) -> EntityRevision | None:
    return (
        EntityRevision.objects.select_for_update()
        .filter(entity=entity, status=RevisionStatus.PENDING)
        .first()
    )


def new_revision(
    entity: MarketEntity, fields: dict[str, Any], *, user: User | None
) -> EntityRevision:
    """Open a pending revision; items returned with an earlier revision join it."""
    last = EntityRevision.objects.filter(entity=entity).aggregate(n=Max("number"))["n"] or 0
    revision = EntityRevision.objects.create(
        entity=entity,
        number=last + 1,
        data={},
        status=RevisionStatus.PENDING,
        submitted_by=user,
        submitted_at=clock.now(),
    )
    for model in (Qualification, StaffMember):
        model.objects.filter(entity=entity, approved=False).update(revision=revision)
    refresh_snapshot(revision, fields)
    if entity.status != EntityStatus.APPROVED:
        entity.status = EntityStatus.PENDING
        entity.updated_at = clock.now()
        entity.save(update_fields=["status", "updated_at"])
    return revision


def refresh_snapshot(revision: EntityRevision, fields: dict[str, Any] | None = None) -> None:
    """Rewrite a *pending* revision's snapshot (items were added to the open submission)."""
    base = fields if fields is not None else strip_items(revision.data)
    revision.data = snapshot(revision.entity, base, revision)
    revision.save(update_fields=["data"])


def strip_items(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k in ENTITY_FIELDS}
