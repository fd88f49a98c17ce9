"""Review by centre staff (交易中心审核): approve a revision, or return it with a reason."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse

from ggzy.accounts.models import User
from ggzy.accounts.selectors import is_centre_staff
from ggzy.accounts.services import notify
from ggzy.entities import events
from ggzy.kernel import clock
from ggzy.kernel.errors import Conflict, Forbidden, NotFound
from ggzy.kernel.text import clean_text

from ..models import (
    EntityRevision,
    EntityStatus,
    MarketEntity,
    Qualification,
    RevisionStatus,
    StaffMember,
)
from ..validation import ENTITY_FIELDS
from ._common import digest, lock_entity, record_revision

REASON_MAX = 1000


def _require_reviewer(user: User) -> None:
    if not is_centre_staff(user):
        raise Forbidden(
            "只有交易中心工作人员才能审核市场主体信息",
            "only trading-centre staff may review market entity registrations",
        )


def _lock_pending(revision_id: int) -> tuple[EntityRevision, MarketEntity]:
    found = EntityRevision.objects.filter(pk=revision_id).values_list("entity_id", flat=True)
    entity_id = found.first()
    if entity_id is None:
        raise NotFound(f"版本 {revision_id} 不存在", f"no revision {revision_id}", field="revision")
    entity = lock_entity(entity_id)  # lock order: entity, then revision
    revision = EntityRevision.objects.select_for_update().get(pk=revision_id)
    if revision.status != RevisionStatus.PENDING:
        raise Conflict(
            f"第{revision.number}版已审核（{revision.get_status_display()}），不能重复审核",
            f"version {revision.number} was already reviewed ({revision.status})",
            code="revision_not_pending",
        )
    return revision, entity


def _tell_entity(entity: MarketEntity, *, kind: str, zh: str, en: str, key: str) -> None:
    for link in entity.users.select_related("user"):
        notify(
            user=link.user,
            kind=kind,
            message_zh=zh,
            message_en=en,
            url=reverse("entities:mine"),
            key=key,
        )


@transaction.atomic
def approve(*, reviewer: User, revision_id: int, ip: str | None = None) -> EntityRevision:
    """Approve a pending revision: its data becomes the entity's live data (审核通过)."""
    _require_reviewer(reviewer)
    revision, entity = _lock_pending(revision_id)
    now = clock.now()
    for name in ENTITY_FIELDS:
        if name in revision.data:
            setattr(entity, "region_id" if name == "region" else name, revision.data[name])
    entity.status = EntityStatus.APPROVED
    entity.version = revision.number
    entity.approved_at = now
    entity.updated_at = now
    entity.save()
    for model in (Qualification, StaffMember):
        model.objects.filter(revision=revision).update(approved=True)
    revision.status = RevisionStatus.APPROVED
    revision.reviewed_by = reviewer
    revision.reviewed_at = now
    revision.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    record_revision(events.ENTITY_APPROVED, entity, revision, user=reviewer, ip=ip)
    _tell_entity(
        entity,
        kind="entities.approved",
        zh=f"您提交的市场主体信息（第{revision.number}版）已审核通过。",
        en=f"Your market entity data (version {revision.number}) was approved.",
        key=f"entities.reviewed:{revision.pk}",
    )
    return revision


@transaction.atomic
def return_for_revision(
    *, reviewer: User, revision_id: int, reason: str, ip: str | None = None
) -> EntityRevision:
    """Return a pending revision with a reason (退回); the live data stays as it was."""
    _require_reviewer(reviewer)
    clean_reason = clean_text(
        reason,
        field="reason",
        max_length=REASON_MAX,
        multiline=True,
        label_zh="退回理由",
        label_en="reason for returning",
    )
    revision, entity = _lock_pending(revision_id)
    now = clock.now()
    revision.status = RevisionStatus.RETURNED
    revision.reviewed_by = reviewer
    revision.reviewed_at = now
    revision.reason = clean_reason
    revision.save(update_fields=["status", "reviewed_by", "reviewed_at", "reason"])
    if entity.status != EntityStatus.APPROVED:
        entity.status = EntityStatus.RETURNED
        entity.updated_at = now
        entity.save(update_fields=["status", "updated_at"])
    record_revision(
        events.ENTITY_RETURNED,
        entity,
        revision,
        user=reviewer,
        ip=ip,
        reason_sha256=digest(clean_reason),
    )
    _tell_entity(
        entity,
        kind="entities.returned",
        zh=f"您提交的市场主体信息（第{revision.number}版）被退回：{clean_reason}",
        en=f"Your market entity data (version {revision.number}) was returned: {clean_reason}",
        key=f"entities.reviewed:{revision.pk}",
    )
    return revision
