"""The end of an opening: objections answered on the spot, the record read out, signed and
published (开标记录, Law Arts 34–36; Reg. Art 44)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from ggzy.accounts.models import User
from ggzy.core import platform_key
from ggzy.core.services import record
from ggzy.kernel import clock
from ggzy.kernel.errors import Forbidden, NotFound, RuleViolation
from ggzy.kernel.text import clean_text
from ggzy.tendering import events

from ..interfaces import DepositLine, deposits_on_hand
from ..models import Bid, Lot, Notice, Opening, OpeningObjection, Project
from ..price_sheet import rows
from .common import (
    can_host,
    digest_of,
    hall_changed,
    identifier,
    lock_lot,
    procedure_of,
    publish_notice,
    require_bidder,
    update_project_status,
)
from .opening import ART_31, _bump, _family, _mark_failed, _open_hall


@transaction.atomic
def raise_opening_objection(
    *, user: User, lot_id: int, text: str, ip: str | None = None
) -> OpeningObjection:
    """An objection at the opening (Reg. Art 44): the host answers it on the spot."""
    entity = require_bidder(user)
    lot = lock_lot(lot_id)
    opening = _open_hall(lot)
    if not lot.bids.filter(entity=entity).exists():
        raise Forbidden(
            "只有本标段的投标人可以提出开标异议",
            "only this lot's bidders may object",
            code="not_a_bidder_here",
        )
    objection = OpeningObjection.objects.create(
        opening=opening,
        entity=entity,
        raised_by=user,
        raised_at=clock.now(),
        text=clean_text(
            text,
            field="text",
            max_length=2000,
            multiline=True,
            label_zh="异议内容",
            label_en="objection",
        ),
    )
    record(
        events.OPENING_OBJECTION,
        subject=f"lot:{lot.code}",
        payload={"objection": objection.pk, "bidder": identifier(entity)},
        actor=user.actor,
        ip=ip,
    )
    _bump(opening)
    return objection


@transaction.atomic
def answer_opening_objection(
    *, user: User, objection_id: int, answer: str, ip: str | None = None
) -> OpeningObjection:
    objection = (
        OpeningObjection.objects.select_for_update()
        .select_related("opening__lot__project")
        .filter(pk=objection_id)
        .first()
    )
    if objection is None:
        raise NotFound("异议不存在", "no such objection", code="objection_not_found")
    _require_host(user, objection.opening.lot.project)
    if objection.answered_at:
        raise RuleViolation("该异议已答复", "already answered", code="already_answered")
    objection.answer = clean_text(
        answer, field="answer", max_length=2000, multiline=True, label_zh="答复", label_en="answer"
    )
    objection.answered_at, objection.answered_by = clock.now(), user
    objection.save(update_fields=["answer", "answered_at", "answered_by"])
    record(
        events.OPENING_OBJECTION_ANSWERED,
        subject=f"lot:{objection.opening.lot.code}",
        payload={"objection": objection.pk},
        actor=user.actor,
        ip=ip,
    )
    _bump(objection.opening)
    return objection


def _require_host(user: User, project: Project) -> None:
    if not can_host(user, project):
        raise Forbidden(
            "只有开标主持人（招标人、代理机构或交易中心）可以执行此操作",
            "only the host (initiator, agent or centre) may do this",
            code="not_host",
        )


def _line(bid: Bid, deposits: Mapping[int, DepositLine]) -> dict[str, Any]:
    deposit = deposits.get(bid.entity_id)
    return {
        "bidder": bid.entity.name,
        "bidder_id": identifier(bid.entity),
        "received_at": bid.received_at.isoformat(),
        "ledger_seq": bid.ledger_seq,
        "status": bid.status,
        "status_label": str(bid.get_status_display()),
        "price_sheet": bid.price_sheet or {},
        "problems": bid.price_sheet_problems,
        "failure_reason": bid.failure_reason,
        "deposit": deposit.text if deposit else "未缴纳",
        "deposit_sufficient": bool(deposit and deposit.sufficient),
    }


def _record(opening: Opening, host: User | None) -> dict[str, Any]:
    lot, project = opening.lot, opening.lot.project
    deposits = deposits_on_hand(lot)
    bids = lot.bids.exclude(
        status__in=[Bid.Status.WITHDRAWN, Bid.Status.REPLACED, Bid.Status.RETURNED]
    ).select_related("entity")
    return {
        "project": project.code,
        "project_name": project.name,
        "lot": lot.code,
        "lot_name": lot.name,
        "procedure": procedure_of(project).name_zh,
        "opened_at": opening.started_at.isoformat(),
        "closed_at": clock.now().isoformat(),
        "host": str(host) if host else "系统（解密时限届满）",
        "ceiling_price": str(lot.ceiling_price) if lot.ceiling_price is not None else None,
        "bids": [_line(b, deposits) for b in bids],
        "sign_ins": [s.entity.name for s in opening.sign_ins.select_related("entity")],
        "objections": [
            {"bidder": o.entity.name, "text": o.text, "answer": o.answer}
            for o in opening.objections.select_related("entity")
        ],
    }


def _record_text(doc: dict[str, Any], family: str) -> str:
    lines = [
        f"项目：{doc['project_name']}（{doc['project']}）",
        f"标段/包：{doc['lot_name']}（{doc['lot']}）",
        f"开标时间：{doc['opened_at']}",
        f"主持人：{doc['host']}",
        "",
    ]
    for n, line in enumerate(doc["bids"], start=1):
        sheet = "；".join(f"{label}：{value}" for label, value in rows(line["price_sheet"], family))
        status = line["status_label"] + (
            f"（{line['failure_reason']}）" if line["failure_reason"] else ""
        )
        lines.append(
            f"{n}. {line['bidder']}　{sheet or '—'}　保证金：{line['deposit']}　状态：{status}"
        )
        for problem in line["problems"]:
            lines.append(f"   注意：{problem['zh']}")
    for objection in doc["objections"]:
        lines.append(
            f"开标异议（{objection['bidder']}）：{objection['text']} 答复：{objection['answer']}"
        )
    return "\n".join(lines)


@transaction.atomic
def close_opening(*, user: User | None, lot_id: int, ip: str | None = None) -> Opening:
    """End the opening: bids still sealed fail (Art 31), the record is signed and published."""
    lot = lock_lot(lot_id)
    opening = _open_hall(lot)
    now = clock.now()
    if user is not None:
        _require_host(user, lot.project)
    sealed = list(lot.bids.filter(status=Bid.Status.SUBMITTED).select_related("entity", "lot"))
    if sealed and now <= opening.window_ends_at:
        raise RuleViolation(
            f"尚有{len(sealed)}份投标文件未解密，解密时限至{clock.local_text(opening.window_ends_at)}",
            f"{len(sealed)} bids are still sealed until {clock.local_text(opening.window_ends_at)}",
            code="window_open",
        )
    if opening.objections.filter(answered_at__isnull=True).exists():
        raise RuleViolation(
            "尚有开标异议未答复（《招标投标法实施条例》第四十四条：当场答复）",
            "an objection at the opening is unanswered (Reg. Art 44)",
            code="objection_open",
        )
    actor = user.actor if user else "system"
    for bid in sealed:
        _mark_failed(
            bid,
            Bid.Status.REVOKED,
            f"投标人未在解密时限内解密（投标人原因），按{ART_31.zh}视为撤销",
            actor,
        )
    document = _record(opening, user)
    opening.record, opening.record_signature = document, platform_key.sign(document)
    opening.status, opening.closed_at = Opening.Status.CLOSED, now
    opening.version += 1
    opening.save(update_fields=["record", "record_signature", "status", "closed_at", "version"])
    record(
        events.OPENING_RECORD,
        subject=f"lot:{lot.code}",
        payload={"digest": digest_of(document), "signature": opening.record_signature},
        actor=actor,
        ip=ip,
    )
    lot.status = Lot.Status.OPENED
    lot.save(update_fields=["status"])
    publish_notice(
        project=lot.project,
        lot=lot,
        kind=Notice.Kind.OPENING_RECORD,
        title=f"{lot.project.name}{lot.name}开标记录",
        body=_record_text(document, _family(lot)),
        user=user,
        ip=ip,
    )
    publish_notice(
        project=lot.project,
        lot=lot,
        kind=Notice.Kind.BIDDER_LIST,
        title=f"{lot.project.name}{lot.name}投标人名单",
        body=_bidder_list(document),
        user=user,
        ip=ip,
    )
    update_project_status(lot.project)
    hall_changed(lot.pk)
    return opening


def _bidder_list(doc: dict[str, Any]) -> str:
    return "\n".join(
        f"{n}. {line['bidder']}（{line['bidder_id']}）" for n, line in enumerate(doc["bids"], 1)
    )


def close_expired_openings() -> int:
    """After the window, the scheduler closes halls whose objections are all answered."""
    closed = 0
    ids = Opening.objects.filter(
        status=Opening.Status.DECRYPTING, window_ends_at__lt=clock.now()
    ).values_list("lot_id", flat=True)
    for lot_id in list(ids):
        try:
            close_opening(user=None, lot_id=lot_id)
            closed += 1
        except RuleViolation:
            continue  # an objection awaits the host's answer
    return closed
