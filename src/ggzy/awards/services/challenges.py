"""Challenges in procurement (质疑, GP Law Arts 52–53): a supplier challenges the result
within 7 working days of its notice; the purchaser answers within 7 working days. Until it
is answered the contract waits (platform rule ``gp.challenge_pauses_contract``)."""

from __future__ import annotations

from django.db import transaction

from ggzy.accounts.models import User
from ggzy.awards import events
from ggzy.core.services import record
from ggzy.kernel import clock, rules
from ggzy.kernel.errors import Conflict, Forbidden, NotFound, RuleViolation
from ggzy.kernel.text import clean_text
from ggzy.tendering.services.common import lock_lot, require_bidder, require_manager
from ggzy.workcalendar.periods import last_day

from ..models import Award, Challenge
from .common import day_of, end_of, is_gp


@transaction.atomic
def file_challenge(*, user: User, lot_id: int, text: str, ip: str | None = None) -> Challenge:
    lot = lock_lot(lot_id)
    entity = require_bidder(user)
    if not is_gp(lot.project):
        raise Conflict(
            "质疑适用于政府采购项目；工程建设项目请在公示期内提出异议",
            "challenges are for procurement; works bidders object during the publicity",
            code="not_procurement",
        )
    if not lot.bids.filter(entity=entity).exists():
        raise Forbidden(
            "只有参加本项目的供应商可以质疑",
            "only this lot's suppliers may challenge",
            code="not_a_bidder_here",
        )
    award = Award.objects.filter(lot=lot).select_related("result_notice").first()
    if award is None:
        raise RuleViolation(
            "成交结果尚未公告，暂无可质疑的结果",
            "no result has been published to challenge",
            code="no_result",
        )
    now = clock.now()
    final_day = last_day("gp.challenge_max_working_days", award.result_notice.published_at)
    if final_day is not None and now > end_of(final_day):
        days = rules.int_value("gp.challenge_max_working_days")
        raise rules.violation(
            "gp.challenge_max_working_days",
            f"质疑应当在知道或者应知其权益受到损害之日起 {days} 个工作日内提出"
            f"（结果公告后的最后一日为 {final_day:%Y-%m-%d}）",
            f"challenges are due within {days} working days (last day {final_day:%Y-%m-%d})",
            code="challenge_too_late",
        )
    challenge = Challenge.objects.create(
        lot=lot,
        entity=entity,
        raised_by=user,
        text=clean_text(
            text, field="text", max_length=5000, multiline=True, label_zh="质疑", label_en="text"
        ),
        raised_at=now,
        answer_due=last_day("gp.challenge_answer_max_working_days", now),
    )
    record(
        events.CHALLENGE_FILED,
        subject=f"lot:{lot.code}",
        actor=user.actor,
        ip=ip,
        payload={
            "challenge": challenge.pk,
            "answer_due": challenge.answer_due.isoformat() if challenge.answer_due else None,
        },
    )
    return challenge


@transaction.atomic
def answer_challenge(
    *, user: User, challenge_id: int, answer: str, ip: str | None = None
) -> Challenge:
    challenge = (
        Challenge.objects.select_for_update()
        .select_related("lot__project")
        .filter(pk=challenge_id)
        .first()
    )
    if challenge is None:
        raise NotFound("质疑不存在", "no such challenge", code="challenge_not_found")
    require_manager(user, challenge.lot.project)
    if challenge.answered_at is not None:
        raise Conflict("该质疑已答复", "already answered", code="already_answered")
    challenge.answer = clean_text(
        answer, field="answer", max_length=5000, multiline=True, label_zh="答复", label_en="answer"
    )
    challenge.answered_at, challenge.answered_by = clock.now(), user
    challenge.save(update_fields=["answer", "answered_at", "answered_by"])
    late = challenge.answer_due is not None and day_of(challenge.answered_at) > challenge.answer_due
    record(
        events.CHALLENGE_ANSWERED,
        subject=f"lot:{challenge.lot.code}",
        actor=user.actor,
        ip=ip,
        payload={"challenge": challenge.pk, "late": late},
    )
    return challenge


def require_no_open_challenge(lot_id: int) -> None:
    if not rules.int_value("gp.challenge_pauses_contract"):
        return
    if Challenge.objects.filter(lot_id=lot_id, answered_at__isnull=True).exists():
        raise rules.violation(
            "gp.challenge_pauses_contract",
            "尚有质疑未答复，暂停签订合同",
            "a challenge is unanswered: the contract waits",
            code="challenge_open",
        )
