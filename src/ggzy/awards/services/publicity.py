"""The candidates' publicity (中标候选人公示) and objections to the result during it
(Reg. Art 54): at least 3 days, starting within 3 days of the report; an objection is
answered within 3 days and suspends the procedure until then."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction

from ggzy.accounts.models import User
from ggzy.awards import events
from ggzy.core.services import record
from ggzy.kernel import clock, rules
from ggzy.kernel.errors import Conflict, Forbidden, InvalidInput, RuleViolation
from ggzy.kernel.money import format_cny
from ggzy.kernel.text import clean_text
from ggzy.tendering.models import Lot, Notice, Objection
from ggzy.tendering.services.common import (
    lock_lot,
    publish_notice,
    require_bidder,
    require_manager,
)

from ..models import Publicity
from .common import finished_evaluation, is_gp

GP_REG_43 = rules.GP_REG.art(43)


def scores_public(lot: Lot) -> bool:
    """Whether the region publishes the candidates' scores: the longest matching region-code
    prefix in ``GGZY_CANDIDATE_SCORES_PUBLIC`` decides ("" is the default)."""
    table: dict[str, bool] = settings.GGZY_CANDIDATE_SCORES_PUBLIC
    code = lot.project.region.code
    prefix = max((p for p in table if code.startswith(p)), key=len, default=None)
    return table[prefix] if prefix is not None else True


def _body(lot: Lot, result: dict[str, Any], shows_scores: bool, ends_at: datetime) -> str:
    rows = {row["bid"]: row for row in result["rows"]}
    lines = [f"{lot.project.name}{lot.name}（{lot.code}）评标结束，现将中标候选人公示如下："]
    for rank, bid in enumerate(result["candidates"], 1):
        row = rows[bid]
        line = f"第{rank}名：{row['entity']}，投标报价 {format_cny(row['price'])}"
        if shows_scores and row.get("total") is not None:
            line += f"，综合得分 {row['total']}"
        lines.append(line)
    lines.append(
        f"公示期至 {clock.local_text(ends_at)}。"
        "投标人或者其他利害关系人对评标结果有异议的，应当在公示期间提出（《招标投标法实施条例》第五十四条）。"
    )
    return "\n".join(lines)


@transaction.atomic
def publish_candidates(
    *, user: User, lot_id: int, ends_at: datetime, ip: str | None = None
) -> Publicity:
    """Publish the candidates from now until ``ends_at``."""
    lot = lock_lot(lot_id)
    project = lot.project
    require_manager(user, project)
    if is_gp(project):
        raise Conflict(
            f"政府采购项目不公示中标候选人：采购人确认评审结果后直接发布中标/成交结果公告"
            f"（依据{GP_REG_43.zh}）",
            f"procurement publishes no candidates: the purchaser confirms and the result is "
            f"published ({GP_REG_43.en})",
            code="no_publicity_in_gp",
        )
    if lot.status != Lot.Status.EVALUATED:
        raise Conflict(
            f"标段/包当前为「{lot.get_status_display()}」，评标完成后才能公示中标候选人",
            "candidates are published after the evaluation is complete",
            code="not_evaluated",
        )
    evaluation = finished_evaluation(lot)
    now = clock.now()
    if ends_at.tzinfo is None:
        raise InvalidInput("公示结束时间须带时区", "ends_at needs a time zone", field="ends_at")
    days = rules.int_value("works.candidate_publicity_min_days")
    if ends_at - now < timedelta(days=days):
        start, end = clock.local_text(now), clock.local_text(ends_at)
        raise rules.violation(
            "works.candidate_publicity_min_days",
            f"中标候选人公示期不得少于 {days} 日（{start} 至 {end} 不足）",
            f"the publicity must last at least {days} days ({start} to {end})",
            field="ends_at",
        )
    assert evaluation.completed_at is not None
    assert evaluation.result is not None
    start_limit = rules.int_value("works.candidate_publicity_start_max_days")
    late = now > evaluation.completed_at + timedelta(days=start_limit)
    shows = scores_public(lot)
    notice = publish_notice(
        project=project,
        lot=lot,
        kind=Notice.Kind.CANDIDATES,
        title=f"{project.name}{lot.name}中标候选人公示",
        body=_body(lot, evaluation.result, shows, ends_at),
        user=user,
        ip=ip,
    )
    publicity = Publicity.objects.create(
        lot=lot, notice=notice, starts_at=now, ends_at=ends_at, shows_scores=shows, created_by=user
    )
    lot.status = Lot.Status.PUBLICITY
    lot.save(update_fields=["status"])
    record(
        events.AWARD_PUBLICITY,
        subject=f"lot:{lot.code}",
        actor=user.actor,
        ip=ip,
        payload={"ends_at": ends_at.isoformat(), "late_start": late, "notice": notice.pk},
    )
    return publicity


@transaction.atomic
def raise_candidate_objection(
    *, user: User, lot_id: int, text: str, ip: str | None = None
) -> Objection:
    """A bidder's objection to the result during the publicity (异议)."""
    lot = lock_lot(lot_id)
    entity = require_bidder(user)
    publicity = Publicity.objects.filter(lot=lot).first()
    now = clock.now()
    if publicity is None or not publicity.starts_at <= now <= publicity.ends_at:
        raise rules.violation(
            "works.candidate_publicity_min_days",
            "对评标结果的异议应当在中标候选人公示期间提出",
            "objections to the result are raised during the candidates' publicity",
            code="not_in_publicity",
        )
    if not lot.bids.filter(entity=entity).exists():
        raise Forbidden(
            "只有本标段的投标人可以提出异议",
            "only this lot's bidders may object",
            code="not_a_bidder_here",
        )
    days = rules.int_value("works.candidate_objection_answer_max_days")
    objection = Objection.objects.create(
        project=lot.project,
        lot=lot,
        stage=Objection.Stage.CANDIDATES,
        entity=entity,
        raised_by=user,
        text=clean_text(
            text, field="text", max_length=5000, multiline=True, label_zh="异议", label_en="text"
        ),
        raised_at=now,
        answer_due=now + timedelta(days=days),
    )
    record(
        events.OBJECTION_RAISED,
        subject=f"project:{lot.project.code}",
        actor=user.actor,
        ip=ip,
        payload={
            "objection": objection.pk,
            "stage": objection.stage,
            "lot": lot.code,
            "answer_due": objection.answer_due.isoformat(),
        },
    )
    return objection


def require_publicity_over(lot: Lot) -> None:
    """Works: the award waits for the publicity's end and for every objection's answer."""
    publicity = Publicity.objects.filter(lot=lot).first()
    if publicity is None:
        raise RuleViolation(
            "中标候选人尚未公示（《招标投标法实施条例》第五十四条）",
            "the candidates have not been published (Reg. Art 54)",
            code="no_publicity",
        )
    if clock.now() < publicity.ends_at:
        raise rules.violation(
            "works.candidate_publicity_min_days",
            f"中标候选人公示期至 {clock.local_text(publicity.ends_at)}，公示期满后方可定标",
            f"the publicity runs until {clock.local_text(publicity.ends_at)}; award after it",
            code="publicity_running",
        )
    if lot.objections.filter(answered_at__isnull=True).exists():
        raise rules.violation(
            "works.candidate_objection_answer_max_days",
            "对评标结果的异议尚未答复，招标投标活动暂停",
            "an objection to the result is unanswered: the procedure is suspended",
            code="procedure_suspended",
        )
