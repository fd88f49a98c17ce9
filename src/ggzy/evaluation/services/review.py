"""Each member's own review sheet (评审表): pass/fail on every check item and a score on
every scoring item, for every bid not rejected. A member sees only their own sheet until
they submit it (selectors enforce that); the ledger keeps a digest of every save and submit,
so no score can change afterwards unseen."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from ggzy.accounts.models import User
from ggzy.evaluation import events
from ggzy.kernel import clock
from ggzy.kernel.errors import Conflict, InvalidInput, NotFound, RuleViolation
from ggzy.kernel.ledger import canonical_json
from ggzy.kernel.text import clean_text

from ..method import Method
from ..models import CheckResult, Evaluation, Member, Score
from ..scoring import parse_score
from .common import (
    chair_of,
    current_members,
    lock,
    member_of,
    method_of,
    require_signed_in,
    require_status,
    witness,
)
from .flags import evaluated_bids, raise_check_flags, withdraw_check_flags


def sheet_of(member: Member) -> dict[str, Any]:
    """The member's sheet as canonical data: {bid: {"checks": {...}, "scores": {...}}}."""
    sheet: dict[str, dict[str, Any]] = {}
    for c in member.checks.order_by("bid_id", "item"):
        entry = sheet.setdefault(str(c.bid_id), {"checks": {}, "scores": {}})
        entry["checks"][c.item] = {"passed": c.passed, "reason": c.reason}
    for s in member.scores.order_by("bid_id", "item"):
        entry = sheet.setdefault(str(s.bid_id), {"checks": {}, "scores": {}})
        entry["scores"][s.item] = str(s.value)
    return sheet


def _digest(member: Member) -> str:
    return hashlib.sha256(canonical_json(sheet_of(member)).encode()).hexdigest()


def _open_member(user: User, evaluation: Evaluation) -> Member:
    require_status(evaluation, Evaluation.Status.REVIEWING)
    member = member_of(user, evaluation)
    require_signed_in(member)
    if member.submitted_at is not None:
        raise Conflict(
            "您的评审表已提交；如需修改，请主任委员退回",
            "your sheet is submitted; ask the chair to return it to change it",
            code="sheet_submitted",
        )
    return member


def _check_entries(method: Method, raw: object) -> dict[str, tuple[bool, str]]:
    known = {c.id for c in method.checks}
    if not isinstance(raw, Mapping):
        raise InvalidInput("审查结果须为对象", "checks must be an object", field="checks")
    out: dict[str, tuple[bool, str]] = {}
    for item, value in raw.items():
        if item not in known:
            raise InvalidInput(
                f"评标办法中没有审查项「{item}」",
                f"no check item {item!r}",
                field=f"checks.{item}",
            )
        passed = value.get("passed") if isinstance(value, Mapping) else None
        if not isinstance(passed, bool):
            raise InvalidInput(
                f"审查项「{item}」须注明通过或不通过",
                f"check {item!r} needs passed true or false",
                field=f"checks.{item}",
            )
        reason = ""
        if not passed:
            reason = clean_text(
                value.get("reason", ""),
                field=f"checks.{item}.reason",
                max_length=500,
                label_zh="不通过的理由",
                label_en="the reason it fails",
            )
        out[str(item)] = (passed, reason)
    return out


def _score_entries(method: Method, raw: object) -> dict[str, Any]:
    items = {i.id: i for i in method.items}
    if not isinstance(raw, Mapping):
        raise InvalidInput("评分须为对象", "scores must be an object", field="scores")
    out = {}
    for item, value in raw.items():
        if item not in items:
            raise InvalidInput(
                f"评标办法中没有评分项「{item}」",
                f"no scoring item {item!r}",
                field=f"scores.{item}",
            )
        out[str(item)] = parse_score(items[item], value)
    return out


@transaction.atomic
def save_sheet(
    *,
    user: User,
    evaluation_id: int,
    bid_id: int,
    checks: object = None,
    scores: object = None,
    ip: str | None = None,
) -> Member:
    """Save (part of) the member's review of one bid; nothing is saved if any entry is bad."""
    evaluation = lock(evaluation_id)
    member = _open_member(user, evaluation)
    method = method_of(evaluation)
    open_bids = _open_bids(evaluation)
    if bid_id not in open_bids:
        raise NotFound(
            "该投标不在评审范围内（未解密或已被否决）",
            "the bid is not under review (not opened, or rejected)",
            field="bid",
        )
    check_rows = _check_entries(method, checks or {})
    score_rows = _score_entries(method, scores or {})
    for item, (passed, reason) in check_rows.items():
        CheckResult.objects.update_or_create(
            member=member, bid_id=bid_id, item=item, defaults={"passed": passed, "reason": reason}
        )
    for item, value in score_rows.items():
        Score.objects.update_or_create(
            member=member, bid_id=bid_id, item=item, defaults={"value": value}
        )
    witness(
        evaluation,
        events.EVALUATION_SHEET_SAVED,
        user,
        {"member": member.pk, "digest": _digest(member)},
        ip,
    )
    return member


def _open_bids(evaluation: Evaluation) -> set[int]:
    rejected = set(evaluation.rejections.values_list("bid_id", flat=True))
    return {b.pk for b in evaluated_bids(evaluation)} - rejected


def missing(member: Member, method: Method, bids: set[int]) -> list[str]:
    """What the member has still to fill in, as "bid:item" strings."""
    have = {(c.bid_id, c.item) for c in member.checks.all()} | {
        (s.bid_id, s.item) for s in member.scores.all()
    }
    wanted = [c.id for c in method.checks] + [i.id for i in method.items]
    return [f"{b}:{item}" for b in sorted(bids) for item in wanted if (b, item) not in have]


@transaction.atomic
def submit(*, user: User, evaluation_id: int, ip: str | None = None) -> Member:
    """Submit the sheet: complete for every bid still under review. When the last member
    submits, checks failed by a majority become candidates for rejection."""
    evaluation = lock(evaluation_id)
    member = _open_member(user, evaluation)
    gaps = missing(member, method_of(evaluation), _open_bids(evaluation))
    if gaps:
        raise RuleViolation(
            f"评审表尚未填完（共缺 {len(gaps)} 项，如 {'、'.join(gaps[:5])}）",
            f"the sheet is incomplete ({len(gaps)} entries missing, e.g. {', '.join(gaps[:5])})",
            code="sheet_incomplete",
        )
    member.submitted_at = clock.now()
    member.save(update_fields=["submitted_at"])
    witness(
        evaluation,
        events.EVALUATION_SHEET_SUBMITTED,
        user,
        {"member": member.pk, "digest": _digest(member)},
        ip,
    )
    members = current_members(evaluation)
    if all(m.submitted_at for m in members):
        raise_check_flags(evaluation, members)
    return member


@transaction.atomic
def return_sheet(
    *, user: User, evaluation_id: int, member_id: int, reason: str, ip: str | None = None
) -> Member:
    """The chair returns a submitted sheet for reconsideration (e.g. after discussing a
    divergent score); the reason is kept in the ledger."""
    evaluation = lock(evaluation_id)
    require_status(evaluation, Evaluation.Status.REVIEWING)
    chair_of(user, evaluation)
    member = next((m for m in current_members(evaluation) if m.pk == member_id), None)
    if member is None or member.submitted_at is None:
        raise Conflict(
            "只能退回在任成员已提交的评审表",
            "only a current member's submitted sheet can be returned",
            code="not_submitted",
        )
    text = clean_text(
        reason, field="reason", max_length=500, label_zh="退回理由", label_en="reason"
    )
    member.submitted_at = None
    member.save(update_fields=["submitted_at"])
    withdrawn = withdraw_check_flags(evaluation)
    witness(
        evaluation,
        events.EVALUATION_SHEET_RETURNED,
        user,
        {"member": member.pk, "reason": text, "flags_withdrawn": withdrawn},
        ip,
    )
    return member
