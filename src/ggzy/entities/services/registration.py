"""Registering a market entity and submitting later changes (注册与变更)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from ggzy.accounts.models import Role, User
from ggzy.core.services import receipt
from ggzy.entities import events
from ggzy.kernel import clock
from ggzy.kernel.errors import Conflict, InvalidInput
from ggzy.kernel.ids import normalise
from ggzy.kernel.text import clean_text

from ..models import EntityKind, EntityRevision, EntityStatus, EntityUser, MarketEntity
from ..selectors import live_data
from ..validation import IDENTITY_FIELDS, EntityData, clean_entity_data
from ._common import (
    lock_entity,
    new_revision,
    pending_revision,
    record_revision,
    require_member,
)


@dataclass(frozen=True)
class Registration:
    entity: MarketEntity
    revision: EntityRevision
    user: User
    receipt: dict[str, Any]


def _duplicate(existing: MarketEntity, *, field: str) -> Conflict:
    status_zh = {"pending": "待审核", "approved": "已通过", "returned": "已退回"}[existing.status]
    what_zh, what_en = (
        ("统一社会信用代码", "unified social credit code")
        if field == "uscc"
        else ("身份证号", "resident ID number")
    )
    registered = existing.created_at.astimezone(clock.SHANGHAI).date()
    return Conflict(
        f"该{what_zh}已于{registered.isoformat()}注册（{existing.name}），当前状态：{status_zh}。"
        "一次注册全省通用，请使用已有账号登录，或联系该主体的管理员。",
        f"This {what_en} was already registered on {registered.isoformat()} "
        f"({existing.name}); status: {existing.status}. One registration is valid at every "
        "centre: log in with the existing account or ask the entity's administrator.",
        code="entity_duplicate",
        field=field,
    )


def _check_unique(data: dict[str, Any]) -> None:
    field = "uscc" if data["kind"] == EntityKind.LEGAL else "resident_id"
    existing = MarketEntity.objects.filter(**{field: data[field]}).first()
    if existing is not None:
        raise _duplicate(existing, field=field)


def _clean_username(username: object) -> str:
    name = clean_text(
        username, field="username", max_length=150, label_zh="用户名", label_en="user name"
    )
    try:
        User.username_validator(name)
    except ValidationError:
        raise InvalidInput(
            "用户名只能包含字母、数字和 @ . + - _ 符号",
            "The user name may contain only letters, digits and @ . + - _",
            code="username_invalid",
            field="username",
        ) from None
    if User.objects.filter(username__iexact=name).exists():
        raise Conflict(
            f"用户名“{name}”已被使用，请换一个",
            f"The user name '{name}' is taken; choose another",
            code="username_taken",
            field="username",
        )
    return name


def _check_password(password: object, candidate: User) -> str:
    if not isinstance(password, str) or not password:
        raise InvalidInput(
            "请设置登录密码", "Set a password", code="password_required", field="password"
        )
    if len(password) > 128:
        raise InvalidInput(
            f"密码最多128个字符，实际为{len(password)}个",
            f"The password may be at most 128 characters long; got {len(password)}",
            code="password_invalid",
            field="password",
        )
    messages: dict[str, str] = {}
    for language, separator in (("zh-hans", "；"), ("en", "; ")):
        # Django's validators translate when they raise, so ask in each language.
        with translation.override(language):
            try:
                validate_password(password, user=candidate)
            except ValidationError as exc:
                messages[language] = separator.join(exc.messages)
    if messages:
        raise InvalidInput(
            f"密码不符合要求：{messages['zh-hans']}",
            f"The password is not acceptable: {messages['en']}",
            code="password_invalid",
            field="password",
        )
    return password


@transaction.atomic
def register_entity(
    *, data: EntityData | Mapping[str, Any], username: str, password: str, ip: str | None = None
) -> Registration:
    """Register an entity: the entity, its first pending revision and its first account.

    Anyone may register (no account needed); the centre reviews the registration.
    """
    clean = clean_entity_data(data)
    _check_unique(clean)
    name = _clean_username(username)
    legal = clean["kind"] == EntityKind.LEGAL
    user = User(
        username=name,
        role=Role.ENTITY,
        real_name=clean["contact_name"] if legal else clean["name"],
        mobile=clean["contact_mobile"],
        resident_id="" if legal else clean["resident_id"],
        email=clean["email"],
    )
    user.set_password(_check_password(password, user))
    now = clock.now()
    fields = {k: v for k, v in clean.items() if k != "region"}
    try:
        with transaction.atomic():
            user.save()
            entity = MarketEntity.objects.create(
                **fields,
                region_id=clean["region"],
                status=EntityStatus.PENDING,
                created_at=now,
                updated_at=now,
            )
    except IntegrityError:
        # Someone registered the same code or user name a moment ago.
        _check_unique(clean)
        _clean_username(name)
        raise
    EntityUser.objects.create(user=user, entity=entity, is_admin=True, created_at=now)
    revision = new_revision(entity, clean, user=user)
    entry = record_revision(
        events.ENTITY_REGISTERED, entity, revision, user=user, ip=ip, kind=entity.kind
    )
    return Registration(entity=entity, revision=revision, user=user, receipt=receipt(entry))


def _merge_change(entity: MarketEntity, changes: Mapping[str, Any]) -> dict[str, Any]:
    base = live_data(entity)
    for name in IDENTITY_FIELDS:
        given = changes.get(name)
        if given not in (None, "") and normalise(str(given)) != normalise(str(base[name])):
            raise InvalidInput(
                "主体类型、统一社会信用代码和身份证号不能变更；如主体已变化，请重新注册",
                "The entity type, unified social credit code and resident ID number cannot "
                "be changed; register the new entity instead",
                code="identity_immutable",
                field=name,
            )
    unknown = sorted(set(changes) - set(base))
    if unknown:
        raise InvalidInput(
            f"未知字段：{', '.join(unknown)}",
            f"unknown fields: {', '.join(unknown)}",
            code="unknown_field",
            field=unknown[0],
        )
    merged = {**base, **{k: v for k, v in changes.items() if k not in IDENTITY_FIELDS}}
    return clean_entity_data(merged)


@transaction.atomic
def submit_change(
    *,
    user: User,
    entity_id: int,
    changes: EntityData | Mapping[str, Any],
    ip: str | None = None,
) -> EntityRevision:
    """Submit changed data as a new pending revision (变更申请).

    The approved data stays live until the centre approves the change. A returned
    registration is resubmitted the same way. One pending revision at a time.
    """
    entity = lock_entity(entity_id)
    require_member(user, entity)
    open_revision = pending_revision(entity)
    if open_revision is not None:
        raise Conflict(
            f"已有待审核的第{open_revision.number}版，请等待审核结果后再提交变更",
            f"version {open_revision.number} is still awaiting review; wait for the "
            "result before submitting another change",
            code="revision_pending",
        )
    clean = _merge_change(entity, changes)
    has_unreviewed = entity.qualifications.filter(approved=False).exists() or (
        entity.staff.filter(approved=False).exists()
    )
    if entity.status == EntityStatus.APPROVED and clean == live_data(entity) and not has_unreviewed:
        raise InvalidInput(
            "提交的信息与现行信息相同，没有需要审核的变更",
            "The submitted data is the same as the current data: nothing to review",
            code="no_change",
        )
    if entity.status != EntityStatus.APPROVED:
        # Nothing approved to protect yet: the live row follows the latest submission.
        for name, value in clean.items():
            setattr(entity, "region_id" if name == "region" else name, value)
        entity.updated_at = clock.now()
        entity.save()
    revision = new_revision(entity, clean, user=user)
    record_revision(events.ENTITY_CHANGE_SUBMITTED, entity, revision, user=user, ip=ip)
    return revision
