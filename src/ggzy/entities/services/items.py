"""Qualifications and staff members (资质与人员): they join the entity's open revision."""

from __future__ import annotations

from datetime import date
from typing import IO

from django.core.files import File
from django.db import transaction

from ggzy.accounts.models import User
from ggzy.core.services import record
from ggzy.entities import events
from ggzy.kernel import clock
from ggzy.kernel.errors import Conflict, InvalidInput
from ggzy.kernel.ids import validate_resident_id
from ggzy.kernel.text import clean_text

from ..models import EntityRevision, MarketEntity, Qualification, StaffMember
from ..selectors import live_data
from ..uploads import check_scan
from ._common import (
    lock_entity,
    new_revision,
    pending_revision,
    refresh_snapshot,
    require_member,
    subject_of,
)


def _open_revision(entity: MarketEntity, user: User) -> tuple[EntityRevision, bool]:
    """The entity's pending revision, opened from the live data when there is none."""
    revision = pending_revision(entity)
    if revision is not None:
        return revision, False
    return new_revision(entity, live_data(entity), user=user), True


def _text(
    value: object, field: str, max_length: int, zh: str, en: str, *, required: bool = True
) -> str:
    return clean_text(
        value, field=field, max_length=max_length, required=required, label_zh=zh, label_en=en
    )


def _clean_valid_until(value: object) -> date:
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            value = None
    if not isinstance(value, date):
        raise InvalidInput(
            "有效期至应为日期，格式如 2027-12-31",
            "The expiry date must be a date such as 2027-12-31",
            code="date_invalid",
            field="valid_until",
        )
    if value < clock.today():
        raise InvalidInput(
            f"资质已于{value.isoformat()}过期，不能登记已过期的资质",
            f"The qualification expired on {value.isoformat()}; expired qualifications "
            "cannot be added",
            code="qualification_expired",
            field="valid_until",
        )
    return value


def add_qualification(
    *,
    user: User,
    entity_id: int,
    type: str,
    level: str = "",
    certificate_no: str,
    issuer: str,
    valid_until: date | str,
    file: IO[bytes] | None,
    ip: str | None = None,
) -> Qualification:
    """Add a qualification with its scanned certificate (PDF/JPEG/PNG, size-limited)."""
    clean = {
        "type": _text(type, "type", 100, "资质类别", "qualification type"),
        "level": _text(level, "level", 32, "等级", "level", required=False),
        "certificate_no": _text(
            certificate_no, "certificate_no", 64, "证书编号", "certificate number"
        ),
        "issuer": _text(issuer, "issuer", 100, "发证机关", "issuing authority"),
        "valid_until": _clean_valid_until(valid_until),
    }
    checked = check_scan(file)
    assert file is not None
    stored: Qualification | None = None
    try:
        with transaction.atomic():
            entity = lock_entity(entity_id)
            require_member(user, entity)
            if entity.qualifications.filter(
                type=clean["type"], certificate_no=clean["certificate_no"]
            ).exists():
                raise Conflict(
                    f"证书编号为“{clean['certificate_no']}”的{clean['type']}资质已登记",
                    f"A {clean['type']} qualification numbered {clean['certificate_no']} "
                    "is already on record",
                    code="qualification_duplicate",
                    field="certificate_no",
                )
            revision, opened = _open_revision(entity, user)
            stored = Qualification(
                entity=entity,
                revision=revision,
                file_type=checked.file_type,
                file_size=checked.size,
                file_sha256=checked.sha256,
                created_at=clock.now(),
                **clean,
            )
            stored.file.save(checked.stored_name(), File(file), save=False)
            stored.save()
            refresh_snapshot(revision)
            record(
                events.ENTITY_QUALIFICATION_ADDED,
                subject=subject_of(entity),
                actor=user.actor,
                ip=ip,
                payload={
                    "entity_id": entity.pk,
                    "qualification_id": stored.pk,
                    "revision": revision.number,
                    "opened_revision": opened,
                    "file_sha256": checked.sha256,
                },
            )
    except BaseException:
        # The row is rolled back; do not leave its file behind in storage.
        if stored is not None and stored.file.name:
            stored.file.storage.delete(stored.file.name)
        raise
    return stored


@transaction.atomic
def add_staff_member(
    *,
    user: User,
    entity_id: int,
    name: str,
    resident_id: str,
    position: str = "",
    certificate_no: str = "",
    ip: str | None = None,
) -> StaffMember:
    """Add a staff member (e.g. a registered constructor) to the entity's open revision."""
    clean = {
        "name": _text(name, "name", 64, "姓名", "name"),
        "resident_id": validate_resident_id(resident_id, field="resident_id"),
        "position": _text(position, "position", 64, "职务/岗位", "position", required=False),
        "certificate_no": _text(
            certificate_no,
            "certificate_no",
            64,
            "执业证书编号",
            "practising certificate number",
            required=False,
        ),
    }
    entity = lock_entity(entity_id)
    require_member(user, entity)
    if entity.staff.filter(resident_id=clean["resident_id"]).exists():
        raise Conflict(
            "该身份证号的人员已登记",
            "A staff member with this resident ID number is already on record",
            code="staff_duplicate",
            field="resident_id",
        )
    revision, opened = _open_revision(entity, user)
    member = StaffMember.objects.create(
        entity=entity, revision=revision, created_at=clock.now(), **clean
    )
    refresh_snapshot(revision)
    record(
        events.ENTITY_STAFF_ADDED,
        subject=subject_of(entity),
        actor=user.actor,
        ip=ip,
        payload={
            "entity_id": entity.pk,
            "staff_id": member.pk,
            "revision": revision.number,
            "opened_revision": opened,
        },
    )
    return member
