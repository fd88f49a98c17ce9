"""Expert profiles: centre staff create and edit experts and give them logins; an expert
updates their own profile, and the centre reviews the changes that need review
(信息变更审核)."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from ggzy.accounts.models import Role, User
from ggzy.core.services import record
from ggzy.experts import events
from ggzy.kernel import clock
from ggzy.kernel.errors import Conflict, DomainError, Forbidden, NotFound
from ggzy.kernel.text import clean_text

from ...models import Expert, ExpertStatus, ProfileChange
from ._common import (
    REASON_MAX,
    _notify_expert,
    digest,
    expert_of,
    lock_expert,
    require_centre,
    subject_of,
)
from .fields import (
    FIELD_LABELS,
    SELF_DIRECT_FIELDS,
    SELF_REVIEWED_FIELDS,
    _apply,
    _check_unique_id,
    _cross_checks,
    _record_expert,
    clean_fields,
    current_data,
    validate_new_expert,
)

# --- create and edit (centre staff) ---------------------------------------------------------


def _raise_first(errors: list[DomainError]) -> None:
    if errors:
        raise errors[0]


def _create(data: dict[str, Any]) -> Expert:
    expert = Expert(status=ExpertStatus.ACTIVE)
    _apply(expert, data)
    return expert


@transaction.atomic
def create_expert(*, user: User, data: Mapping[str, Any], ip: str | None = None) -> Expert:
    """Add an expert to the pool (入库)."""
    require_centre(user)
    cleaned, errors = validate_new_expert(data)
    _raise_first(errors)
    _check_unique_id(cleaned["resident_id"])
    expert = _create(cleaned)
    _record_expert(events.EXPERT_CREATED, expert, user=user, ip=ip, source="form")
    return expert


@transaction.atomic
def update_expert(
    *, user: User, expert_id: int, changes: Mapping[str, Any], ip: str | None = None
) -> Expert:
    """Centre staff correct any profile field (status changes go through sanctions)."""
    require_centre(user)
    expert = lock_expert(expert_id)
    cleaned, errors = clean_fields(changes)
    _raise_first(errors)
    merged = {**current_data(expert), **cleaned}
    _raise_first(_cross_checks(merged))
    if "resident_id" in cleaned:
        _check_unique_id(cleaned["resident_id"], exclude=expert.pk)
    _apply(expert, cleaned)
    _record_expert(events.EXPERT_UPDATED, expert, user=user, ip=ip, fields=sorted(cleaned))
    return expert


@dataclass(frozen=True)
class ProfileUpdate:
    expert: Expert
    applied: list[str]
    change: ProfileChange | None


@transaction.atomic
def update_own_profile(
    *, user: User, changes: Mapping[str, Any], ip: str | None = None
) -> ProfileUpdate:
    """An expert's own update: contact, education, bank account and declared conflicts
    apply at once; employer, title and specialties become a change for centre review."""
    found = expert_of(user)
    if found is None:
        raise Forbidden("只有专家本人才能修改专家信息", "only the expert may change their profile")
    expert = lock_expert(found.pk)
    locked = sorted(set(changes) - SELF_DIRECT_FIELDS - SELF_REVIEWED_FIELDS)
    if locked:
        name = locked[0]
        label_zh, label_en = FIELD_LABELS.get(name, (name, name))
        raise Forbidden(
            f"{label_zh}由交易中心维护，专家本人不能修改",
            f"the {label_en} is maintained by the trading centre; the expert cannot change it",
            field=name,
        )
    cleaned, errors = clean_fields(changes)
    _raise_first(errors)
    current = current_data(expert)
    changed = {name: value for name, value in cleaned.items() if current.get(name) != value}
    direct = {k: v for k, v in changed.items() if k in SELF_DIRECT_FIELDS}
    reviewed = {k: v for k, v in changed.items() if k in SELF_REVIEWED_FIELDS}
    _raise_first(_cross_checks({**current, **changed}))
    change = None
    if reviewed:
        if ProfileChange.objects.filter(
            expert=expert, status=ProfileChange.Status.PENDING
        ).exists():
            raise Conflict(
                "已有一项信息变更正在审核，请等待审核完成后再提交",
                "a profile change is already waiting for review; wait for it first",
                code="change_pending",
            )
        change = ProfileChange.objects.create(
            expert=expert,
            data=reviewed,
            status=ProfileChange.Status.PENDING,
            submitted_at=clock.now(),
        )
        record(
            events.EXPERT_CHANGE_SUBMITTED,
            subject=subject_of(expert),
            actor=user.actor,
            ip=ip,
            payload={
                "expert_id": expert.pk,
                "change_id": change.pk,
                "fields": sorted(reviewed),
                "data_sha256": digest(reviewed),
            },
        )
    if direct:
        _apply(expert, direct)
        _record_expert(
            events.EXPERT_PROFILE_UPDATED, expert, user=user, ip=ip, fields=sorted(direct)
        )
    return ProfileUpdate(expert=expert, applied=sorted(direct), change=change)


def _lock_pending_change(change_id: int) -> tuple[ProfileChange, Expert]:
    expert_id = (
        ProfileChange.objects.filter(pk=change_id).values_list("expert_id", flat=True).first()
    )
    if expert_id is None:
        raise NotFound(
            f"变更申请 {change_id} 不存在", f"no profile change {change_id}", field="change"
        )
    expert = lock_expert(expert_id)
    change = ProfileChange.objects.select_for_update().get(pk=change_id)
    if change.status != ProfileChange.Status.PENDING:
        raise Conflict(
            f"该变更申请已审核（{change.get_status_display()}）",
            f"the profile change was already reviewed ({change.status})",
            code="change_not_pending",
        )
    return change, expert


@transaction.atomic
def approve_profile_change(
    *, reviewer: User, change_id: int, ip: str | None = None
) -> ProfileChange:
    require_centre(reviewer)
    change, expert = _lock_pending_change(change_id)
    # Re-check: a specialty may have been deactivated since the request.
    cleaned, errors = clean_fields(change.data)
    _raise_first(errors)
    _raise_first(_cross_checks({**current_data(expert), **cleaned}))
    _apply(expert, cleaned)
    now = clock.now()
    change.status = ProfileChange.Status.APPROVED
    change.reviewed_by = reviewer
    change.reviewed_at = now
    change.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    _record_expert(events.EXPERT_CHANGE_APPROVED, expert, user=reviewer, ip=ip, change_id=change.pk)
    _notify_expert(
        expert,
        kind="experts.change_approved",
        zh="您提交的专家信息变更已审核通过。",
        en="Your profile change was approved.",
        key=f"experts.change:{change.pk}",
    )
    return change


@transaction.atomic
def return_profile_change(
    *, reviewer: User, change_id: int, reason: str, ip: str | None = None
) -> ProfileChange:
    require_centre(reviewer)
    clean_reason = clean_text(
        reason,
        field="reason",
        max_length=REASON_MAX,
        multiline=True,
        label_zh="退回理由",
        label_en="reason for returning",
    )
    change, expert = _lock_pending_change(change_id)
    change.status = ProfileChange.Status.RETURNED
    change.reviewed_by = reviewer
    change.reviewed_at = clock.now()
    change.reason = clean_reason
    change.save(update_fields=["status", "reviewed_by", "reviewed_at", "reason"])
    record(
        events.EXPERT_CHANGE_RETURNED,
        subject=subject_of(expert),
        actor=reviewer.actor,
        ip=ip,
        payload={
            "expert_id": expert.pk,
            "change_id": change.pk,
            "reason_sha256": digest(clean_reason),
        },
    )
    _notify_expert(
        expert,
        kind="experts.change_returned",
        zh=f"您提交的专家信息变更被退回：{clean_reason}",
        en=f"Your profile change was returned: {clean_reason}",
        key=f"experts.change:{change.pk}",
    )
    return change


# --- accounts ------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewAccount:
    expert_id: int
    username: str
    password: str  # shown once to the centre user, who hands it to the expert


def _make_account(expert: Expert) -> NewAccount:
    base = f"expert{expert.pk}"
    username, n = base, 1
    while User.objects.filter(username=username).exists():
        n += 1
        username = f"{base}-{n}"
    password = secrets.token_urlsafe(12)
    account = User.objects.create_user(
        username=username,
        password=password,
        role=Role.EXPERT,
        real_name=expert.name,
        mobile=expert.mobile,
        resident_id=expert.resident_id,
    )
    expert.user = account
    expert.save(update_fields=["user"])
    return NewAccount(expert_id=expert.pk, username=username, password=password)


def _record_account(expert: Expert, account: NewAccount, *, user: User, ip: str | None) -> None:
    record(
        events.EXPERT_ACCOUNT_CREATED,
        subject=subject_of(expert),
        actor=user.actor,
        ip=ip,
        payload={"expert_id": expert.pk, "user_id": expert.user_id},
    )


@transaction.atomic
def create_expert_account(*, user: User, expert_id: int, ip: str | None = None) -> NewAccount:
    """Give an expert a login (role expert) with a one-time initial password."""
    require_centre(user)
    expert = lock_expert(expert_id)
    if expert.user_id is not None:
        raise Conflict(
            "该专家已有登录账号", "the expert already has an account", code="has_account"
        )
    account = _make_account(expert)
    _record_account(expert, account, user=user, ip=ip)
    return account
