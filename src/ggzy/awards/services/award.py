"""The award (定标): the initiator picks a candidate — in ranked order where the rules say
(Reg. Art 55; GP Reg. Art 43) — the result is published, the winner gets the sealed award
notice and every other bidder a sealed result notice."""

from __future__ import annotations

import hashlib
from contextlib import ExitStack
from decimal import Decimal
from typing import Any

from django.db import transaction

from ggzy.accounts.models import User
from ggzy.awards import events
from ggzy.core.services import record
from ggzy.deposits.models import RefundReason
from ggzy.deposits.services import refund_due
from ggzy.disclosure.attachments import File
from ggzy.kernel import clock, rules
from ggzy.kernel.errors import Conflict, RuleViolation
from ggzy.kernel.money import format_cny
from ggzy.kernel.text import clean_text
from ggzy.tendering.models import Bid, Lot, Notice, Project
from ggzy.tendering.services.common import lock_lot, publish_notice
from ggzy.workcalendar.periods import last_day

from .. import letters
from ..models import Award, Letter
from .common import (
    day_of,
    finished_evaluation,
    is_gp,
    must_follow_order,
    require_initiator,
)
from .publicity import require_publicity_over

REG_55 = rules.REG.art(55)
GP_REG_43 = rules.GP_REG.art(43)

# Why a higher-ranked candidate may be passed over (Reg. Art 55).
PASS_OVER_GROUNDS = {
    "gave_up": "排名在前的中标候选人放弃中标",
    "force_majeure": "因不可抗力不能履行合同",
    "no_bond": "不按照招标文件要求提交履约保证金",
    "illegal": "被查实存在影响中标结果的违法行为",
}


def _article(gp: bool) -> rules.Citation:
    return GP_REG_43 if gp else REG_55


def _candidate(result: dict[str, Any], bid_id: object, gp: bool) -> tuple[int, dict[str, Any]]:
    article = _article(gp)
    for rank, candidate in enumerate(result["candidates"], 1):
        if candidate == bid_id:
            row = next(r for r in result["rows"] if r["bid"] == candidate)
            return rank, row
    raise RuleViolation(
        f"只能在评标委员会推荐的中标候选人中确定中标人（依据{article.zh}）",
        f"the award must go to one of the committee's candidates ({article.en})",
        code="not_a_candidate",
        field="bid",
    )


def _pass_over(rank: int, ground: object, reason: str, ordered: bool, gp: bool) -> str:
    """The recorded reason for not taking the first candidate ('' when rank 1)."""
    if rank == 1:
        return ""
    article = _article(gp)
    if ordered and ground not in PASS_OVER_GROUNDS:
        listed = "；".join(f"{k}：{v}" for k, v in PASS_OVER_GROUNDS.items())
        raise RuleViolation(
            f"国有资金占控股或者主导地位的项目及政府采购项目，应当确定排名第一的中标候选人为中标人；"
            f"确定排名第{rank}名须说明排名在前者的情形：{listed}（依据{article.zh}）",
            f"the first candidate must be awarded unless a higher-ranked one gave up, cannot "
            f"perform, gave no bond or acted illegally ({article.en})",
            code="must_award_first",
            field="ground",
        )
    text = clean_text(
        reason, field="reason", max_length=2000, multiline=True, label_zh="理由", label_en="reason"
    )
    return f"{PASS_OVER_GROUNDS.get(str(ground), '')}：{text}" if ground else text


def _late_pick(evaluation_completed: Any, gp: bool) -> bool:
    if not gp:
        return False
    due = last_day("gp.award_pick_max_working_days", evaluation_completed)
    return due is not None and day_of(clock.now()) > due


def _result_text(lot: Lot, award: Award, gp: bool) -> str:
    role = "成交供应商" if gp else "中标人"
    return (
        f"{lot.project.name}{lot.name}（{lot.code}）的{role}为{award.bid.entity.name}，"
        f"中标/成交金额 {format_cny(award.amount)}。"
    )


def _published_documents(project: Project, stack: ExitStack) -> tuple[File, ...]:
    """The documents as issued, every version: a GP result publishes them (GP Reg. Art 43)."""
    documents = project.documents.filter(issued_at__isnull=False).order_by("version")
    return tuple(
        File(f"第{d.version}版-{d.filename}", stack.enter_context(d.file.open("rb")))
        for d in documents
    )


@transaction.atomic
def decide(
    *,
    user: User,
    lot_id: int,
    bid_id: int,
    ground: object = None,
    reason: str = "",
    ip: str | None = None,
) -> Award:
    """The initiator's award to one candidate; notices and letters follow in the same step."""
    lot = lock_lot(lot_id)
    project = lot.project
    gp = is_gp(project)
    require_initiator(user, project, article=_article(gp))
    if Award.objects.filter(lot=lot).exists():
        raise Conflict("该标段/包已定标", "the lot is already awarded", code="already_awarded")
    evaluation = finished_evaluation(lot)
    if gp:
        if lot.status != Lot.Status.EVALUATED:
            raise Conflict(
                f"标段/包当前为「{lot.get_status_display()}」，不能定标",
                "the lot cannot be awarded now",
                code="not_evaluated",
            )
    else:
        if lot.status != Lot.Status.PUBLICITY:
            raise RuleViolation(
                "中标候选人公示后方可定标（《招标投标法实施条例》第五十四条）",
                "award after the candidates' publicity (Reg. Art 54)",
                code="no_publicity",
            )
        require_publicity_over(lot)
    assert evaluation.result is not None
    assert evaluation.completed_at is not None
    rank, row = _candidate(evaluation.result, bid_id, gp)
    passed_over = _pass_over(rank, ground, reason, must_follow_order(project), gp)
    now = clock.now()
    kind = Notice.Kind.RESULT
    award = Award(
        lot=lot,
        bid=Bid.objects.select_related("entity").get(pk=bid_id),
        rank=rank,
        amount=Decimal(row["price"]),
        passed_over_reason=passed_over,
        decided_by=user,
        decided_at=now,
    )
    with ExitStack() as stack:
        award.result_notice = publish_notice(
            project=project,
            lot=lot,
            kind=kind,
            title=f"{project.name}{lot.name}{'成交' if gp else '中标'}结果公告",
            body=_result_text(lot, award, gp),
            user=user,
            ip=ip,
            attachments=_published_documents(project, stack) if gp else (),
        )
    award.save()
    issued = [letters.issue(award, award.bid.entity_id, award.bid.entity.name, Letter.Kind.AWARD)]
    others = (
        lot.bids.exclude(pk=award.bid_id)
        .filter(status=Bid.Status.DECRYPTED)
        .select_related("entity")
        .order_by("pk")
    )
    for bid in others:
        issued.append(letters.issue(award, bid.entity_id, bid.entity.name, Letter.Kind.RESULT))
        if gp:
            refund_due(lot=lot, entity=bid.entity, reason=RefundReason.LOST, at=now)
    lot.status = Lot.Status.AWARDED
    lot.save(update_fields=["status"])
    record(
        events.AWARD_DECIDED,
        subject=f"lot:{lot.code}",
        actor=user.actor,
        ip=ip,
        payload={
            "bid": award.bid_id,
            "rank": rank,
            "amount": str(award.amount),
            "passed_over_sha256": hashlib.sha256(passed_over.encode()).hexdigest()
            if passed_over
            else None,
            "late": _late_pick(evaluation.completed_at, gp),
            "letters": {str(x.entity_id): x.digest for x in issued},
        },
    )
    return award
