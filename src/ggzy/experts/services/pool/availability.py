"""Expert availability: leave (请假), sanctions — suspension (暂停) and blacklisting
(列入黑名单) — and restoring an expert when a sanction is lifted or its period ends."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from ggzy.accounts.models import User
from ggzy.core.services import record
from ggzy.experts import events
from ggzy.kernel import clock
from ggzy.kernel.errors import Conflict, InvalidInput, NotFound
from ggzy.kernel.text import clean_text

from ...models import Expert, ExpertStatus, Leave, Sanction
from ._common import (
    REASON_MAX,
    _notify_expert,
    digest,
    lock_expert,
    require_centre,
    require_self_or_centre,
    subject_of,
)

# --- leave ---------------------------------------------------------------------------------


def _date(value: Any, name: str, label_zh: str, label_en: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(
            f"{label_zh}“{value}”不是有效日期（YYYY-MM-DD）",
            f"the {label_en} '{value}' is not a date (YYYY-MM-DD)",
            field=name,
        ) from None


@transaction.atomic
def add_leave(
    *,
    user: User,
    expert_id: int,
    start: date,
    end: date,
    reason: str = "",
    ip: str | None = None,
) -> Leave:
    """A period the expert cannot serve; it must not overlap another and end ≥ start."""
    expert = lock_expert(expert_id)
    require_self_or_centre(user, expert)
    start = _date(start, "start", "开始日期", "start date")
    end = _date(end, "end", "结束日期", "end date")
    clean_reason = clean_text(
        reason, field="reason", max_length=200, required=False, label_zh="事由", label_en="reason"
    )
    if end < start:
        raise InvalidInput(
            "结束日期不能早于开始日期", "the end date is before the start date", field="end"
        )
    if end < clock.today():
        raise InvalidInput(
            "请假期间已经结束，不能登记过去的请假", "the leave period is already over", field="end"
        )
    clash = Leave.objects.filter(expert=expert, start__lte=end, end__gte=start).first()
    if clash is not None:
        raise Conflict(
            f"与已登记的请假（{clash.start:%Y-%m-%d}至{clash.end:%Y-%m-%d}）重叠",
            f"overlaps the leave already recorded from {clash.start} to {clash.end}",
            code="leave_overlap",
            field="start",
        )
    leave = Leave.objects.create(expert=expert, start=start, end=end, reason=clean_reason)
    record(
        events.EXPERT_LEAVE_ADDED,
        subject=subject_of(expert),
        actor=user.actor,
        ip=ip,
        payload={
            "expert_id": expert.pk,
            "leave_id": leave.pk,
            "start": start.isoformat(),
            "end": end.isoformat(),
        },
    )
    return leave


@transaction.atomic
def cancel_leave(*, user: User, leave_id: int, ip: str | None = None) -> None:
    expert_id = Leave.objects.filter(pk=leave_id).values_list("expert_id", flat=True).first()
    if expert_id is None:
        raise NotFound(f"请假记录 {leave_id} 不存在", f"no leave {leave_id}", field="leave")
    expert = lock_expert(expert_id)
    require_self_or_centre(user, expert)
    Leave.objects.filter(pk=leave_id).delete()
    record(
        events.EXPERT_LEAVE_CANCELLED,
        subject=subject_of(expert),
        actor=user.actor,
        ip=ip,
        payload={"expert_id": expert.pk, "leave_id": leave_id},
    )


# --- sanctions ----------------------------------------------------------------------------


SANCTIONED: dict[str, str] = {
    ExpertStatus.SUSPENDED: events.EXPERT_SUSPENDED,
    ExpertStatus.BLACKLISTED: events.EXPERT_BLACKLISTED,
}


@transaction.atomic
def sanction_expert(
    *,
    user: User,
    expert_id: int,
    kind: str,
    reason: str,
    document: str,
    start: date,
    until: date | None = None,
    ip: str | None = None,
) -> Sanction:
    """Suspend (暂停, for a period) or blacklist (列入黑名单, for a period or indefinitely)
    an expert for a violation, with the decision's document number (处理文号)."""
    require_centre(user)
    if kind not in {ExpertStatus.SUSPENDED, ExpertStatus.BLACKLISTED}:
        raise InvalidInput(
            "处理类型应为暂停（suspended）或列入黑名单（blacklisted）",
            "the kind must be suspended or blacklisted",
            field="kind",
        )
    clean_reason = clean_text(
        reason,
        field="reason",
        max_length=REASON_MAX,
        multiline=True,
        label_zh="处理原因",
        label_en="reason",
    )
    clean_document = clean_text(
        document, field="document", max_length=100, label_zh="处理文号", label_en="document number"
    )
    start = _date(start, "start", "开始日期", "start date")
    today = clock.today()
    if start > today:
        raise InvalidInput(
            "开始日期不能晚于今天（处理自决定之日起生效）",
            "the start date cannot be in the future (a sanction takes effect when decided)",
            field="start",
        )
    if until is not None:
        until = _date(until, "until", "截止日期", "end date")
        if until < start or until < today:
            raise InvalidInput(
                "截止日期不能早于开始日期或今天",
                "the end date cannot be before the start date or today",
                field="until",
            )
    elif kind == ExpertStatus.SUSPENDED:
        raise InvalidInput("暂停须写明截止日期", "a suspension needs an end date", field="until")
    expert = lock_expert(expert_id)
    if expert.status == ExpertStatus.BLACKLISTED and kind == ExpertStatus.SUSPENDED:
        raise Conflict(
            "该专家已列入黑名单，不能改为暂停；请先解除黑名单",
            "the expert is blacklisted; lift the blacklisting before suspending",
            code="already_blacklisted",
        )
    sanction = Sanction.objects.create(
        expert=expert,
        kind=kind,
        reason=clean_reason,
        document=clean_document,
        start=start,
        until=until,
        author=user,
        created_at=clock.now(),
    )
    expert.status = kind
    expert.status_reason = clean_reason
    expert.status_document = clean_document
    expert.status_until = until
    expert.save(update_fields=["status", "status_reason", "status_document", "status_until"])
    record(
        SANCTIONED[kind],
        subject=subject_of(expert),
        actor=user.actor,
        ip=ip,
        payload={
            "expert_id": expert.pk,
            "sanction_id": sanction.pk,
            "status": kind,
            "document": clean_document,
            "start": start.isoformat(),
            "until": until.isoformat() if until else None,
            "reason_sha256": digest(clean_reason),
        },
    )
    period_zh = f"至{until:%Y-%m-%d}" if until else "（无期限）"
    period_en = f"until {until}" if until else "(no end date)"
    label_zh = "暂停抽取" if kind == ExpertStatus.SUSPENDED else "列入黑名单"
    _notify_expert(
        expert,
        kind=f"experts.{kind}",
        zh=f"您已被{label_zh}{period_zh}，文号{clean_document}，原因：{clean_reason}",
        en=f"You were {kind} {period_en}, document {clean_document}, reason: {clean_reason}",
    )
    return sanction


def _restore(expert: Expert, *, user: User | None, ip: str | None, cause: str) -> None:
    previous = expert.status
    expert.status = ExpertStatus.ACTIVE
    expert.status_reason = ""
    expert.status_document = ""
    expert.status_until = None
    expert.save(update_fields=["status", "status_reason", "status_document", "status_until"])
    record(
        events.EXPERT_RESTORED,
        subject=subject_of(expert),
        actor=user.actor if user is not None else "system",
        ip=ip,
        payload={
            "expert_id": expert.pk,
            "status": expert.status,
            "previous": previous,
            "cause": cause,
        },
    )


@transaction.atomic
def lift_sanction(*, user: User, expert_id: int, reason: str, ip: str | None = None) -> Expert:
    """Restore an expert before the period ends (or end an indefinite blacklisting)."""
    require_centre(user)
    clean_text(reason, field="reason", max_length=REASON_MAX, label_zh="原因", label_en="reason")
    expert = lock_expert(expert_id)
    if expert.status == ExpertStatus.ACTIVE:
        raise Conflict(
            "该专家状态正常，无需解除", "the expert is not sanctioned", code="not_sanctioned"
        )
    _restore(expert, user=user, ip=ip, cause="lifted")
    return expert


def restore_expired_sanctions(*, today: date | None = None) -> list[int]:
    """Restore every expert whose suspension or time-limited blacklisting ended before
    ``today`` (the period runs through its last day). Idempotent; one transaction each."""
    day = today or clock.today()
    restored: list[int] = []
    due = Expert.objects.filter(
        status__in=[ExpertStatus.SUSPENDED, ExpertStatus.BLACKLISTED], status_until__lt=day
    ).values_list("pk", flat=True)
    for expert_id in list(due):
        with transaction.atomic():
            expert = lock_expert(expert_id)
            if expert.status == ExpertStatus.ACTIVE or expert.status_until is None:
                continue
            if expert.status_until >= day:
                continue
            _restore(expert, user=None, ip=None, cause="period_ended")
            restored.append(expert.pk)
    return restored
