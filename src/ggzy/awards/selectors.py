"""Reads from the report to the contract, and the overdue warnings for supervisors."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import QuerySet

from ggzy.accounts.models import Role, User
from ggzy.entities.selectors import entity_of
from ggzy.evaluation.models import Evaluation
from ggzy.kernel import clock, rules
from ggzy.kernel.errors import NotFound
from ggzy.tendering.models import Lot, Objection
from ggzy.tendering.selectors import get_lot, projects_visible_to
from ggzy.tendering.services._common import is_manager

from .models import Award, Challenge, Contract, Letter, Publicity
from .services._common import day_of, is_gp, period_end


def _staff_or_supervisor(user: User, lot: Lot) -> bool:
    project = lot.project
    if user.role in (Role.ADMIN, Role.OVERSIGHT):
        return True
    if user.role == Role.CENTRE:
        return user.organisation_id == project.centre_id
    return user.role == Role.SUPERVISOR and user.organisation_id == project.supervisor_id


def _sees_all(user: User, lot: Lot) -> bool:
    return is_manager(user, lot.project) or _staff_or_supervisor(user, lot)


def letters_for(user: User, lot: Lot) -> QuerySet[Letter]:
    rows = Letter.objects.filter(award__lot=lot).select_related("entity")
    if _sees_all(user, lot):
        return rows
    entity = entity_of(user)
    return rows.filter(entity=entity) if entity else rows.none()


def get_letter(user: User, letter_id: int) -> Letter:
    letter = Letter.objects.select_related("award__lot__project").filter(pk=letter_id).first()
    if letter is None or not letters_for(user, letter.award.lot).filter(pk=letter.pk).exists():
        raise NotFound("通知书不存在或无权查看", "no such letter, or not yours")
    return letter


def lot_state(user: User, lot_id: int) -> dict[str, Any]:
    """Everything after the evaluation for one lot, as ``user`` may see it."""
    lot = get_lot(user, lot_id)
    publicity = Publicity.objects.filter(lot=lot).first()
    award = Award.objects.filter(lot=lot).select_related("bid__entity").first()
    contract = Contract.objects.filter(lot=lot).first()
    entity = entity_of(user)
    challenges = Challenge.objects.filter(lot=lot)
    if not _sees_all(user, lot):
        challenges = challenges.filter(entity=entity) if entity else challenges.none()
    return {
        "lot": {"id": lot.pk, "code": lot.code, "status": lot.status},
        "publicity": publicity
        and {
            "starts_at": publicity.starts_at,
            "ends_at": publicity.ends_at,
            "shows_scores": publicity.shows_scores,
            "notice": publicity.notice_id,
        },
        "objections": [
            {
                "id": o.pk,
                "text": o.text if _sees_all(user, lot) or o.entity == entity else "",
                "raised_at": o.raised_at,
                "answer_due": o.answer_due,
                "answer": o.answer,
                "answered_at": o.answered_at,
            }
            for o in lot.objections.filter(stage=Objection.Stage.CANDIDATES)
        ],
        "award": award
        and {
            "bid": award.bid_id,
            "entity": award.bid.entity.name,
            "rank": award.rank,
            "amount": str(award.amount),
            "decided_at": award.decided_at,
            "passed_over_reason": award.passed_over_reason,
            "result_notice": award.result_notice_id,
        },
        "letters": [
            {"id": x.pk, "entity": x.entity.name, "kind": x.kind, "digest": x.digest}
            for x in letters_for(user, lot)
        ],
        "challenges": [
            {
                "id": c.pk,
                "text": c.text,
                "raised_at": c.raised_at,
                "answer_due": c.answer_due,
                "answer": c.answer,
                "answered_at": c.answered_at,
            }
            for c in challenges
        ],
        "contract": contract
        and {
            "id": contract.pk,
            "number": contract.number,
            "amount": str(contract.amount),
            "amount_reason": contract.amount_reason,
            "signed_on": contract.signed_on,
            "duration": contract.duration,
            "notice": contract.notice_id,
            "performance": [
                {
                    "reported_on": p.reported_on,
                    "progress": p.progress,
                    "paid": str(p.paid),
                    "completed": p.completed,
                }
                for p in contract.performance.all()
            ],
        },
    }


# --- early warnings (预警) ------------------------------------------------------------------


def _warning(lot: Lot, kind: str, zh: str, en: str, rule: str, due: date | None) -> dict[str, Any]:
    return {
        "lot": lot.pk,
        "code": lot.code,
        "project": lot.project.name,
        "kind": kind,
        "message_zh": zh,
        "message_en": en,
        "rule": rule,
        "citation": rules.get(rule).citation_zh,
        "due": due,
    }


def _publicity_warnings(lot: Lot, today: date) -> list[dict[str, Any]]:
    evaluation = Evaluation.objects.filter(lot=lot, status=Evaluation.Status.COMPLETE).first()
    if evaluation is None or evaluation.completed_at is None or is_gp(lot.project):
        return []
    rule = "works.candidate_publicity_start_max_days"
    due = day_of(evaluation.completed_at) + timedelta(days=rules.int_value(rule))
    publicity = Publicity.objects.filter(lot=lot).first()
    started = day_of(publicity.starts_at) if publicity else None
    if (started or today) <= due:
        return []
    return [
        _warning(
            lot,
            "publicity_late",
            "中标候选人未在评标报告后3日内公示",
            "candidates published late",
            rule,
            due,
        )
    ]


def _award_warnings(lot: Lot, today: date) -> list[dict[str, Any]]:
    evaluation = Evaluation.objects.filter(lot=lot, status=Evaluation.Status.COMPLETE).first()
    if evaluation is None or evaluation.completed_at is None or not is_gp(lot.project):
        return []
    rule = "gp.award_pick_max_working_days"
    due = period_end(rule, evaluation.completed_at)
    award = Award.objects.filter(lot=lot).first()
    done = day_of(award.decided_at) if award else today
    if due is None or done <= due:
        return []
    return [
        _warning(
            lot,
            "award_late",
            "采购人未在收到评审报告后5个工作日内确定成交供应商",
            "award picked late",
            rule,
            due,
        )
    ]


def _contract_warnings(lot: Lot, today: date) -> list[dict[str, Any]]:
    award = Award.objects.filter(lot=lot).first()
    if award is None:
        return []
    rule = "gp.contract_max_days" if is_gp(lot.project) else "works.contract_max_days"
    due = day_of(award.decided_at) + timedelta(days=rules.int_value(rule))
    contract = Contract.objects.filter(lot=lot).first()
    found = []
    if (contract.signed_on if contract else today) > due:
        found.append(
            _warning(
                lot,
                "contract_late",
                "未在中标/成交通知书发出后30日内签订合同",
                "contract signed late or not yet",
                rule,
                due,
            )
        )
    if contract and is_gp(lot.project):
        rule = "gp.contract_publication_max_working_days"
        due_pub = period_end(rule, contract.signed_on)
        if due_pub is not None and day_of(contract.recorded_at) > due_pub:
            found.append(
                _warning(
                    lot,
                    "contract_published_late",
                    "合同未在签订后2个工作日内公告",
                    "contract published late",
                    rule,
                    due_pub,
                )
            )
    return found


def _answer_warnings(lot: Lot, now_day: date) -> list[dict[str, Any]]:
    found = []
    for challenge in lot.challenges.all():
        due = challenge.answer_due
        answered = day_of(challenge.answered_at) if challenge.answered_at else now_day
        if due is not None and answered > due:
            found.append(
                _warning(
                    lot,
                    "challenge_late",
                    "质疑未在7个工作日内答复",
                    "challenge answered late",
                    "gp.challenge_answer_max_working_days",
                    due,
                )
            )
    for objection in lot.objections.filter(stage=Objection.Stage.CANDIDATES):
        answered_at = objection.answered_at or clock.now()
        if objection.answer_due and answered_at > objection.answer_due:
            found.append(
                _warning(
                    lot,
                    "objection_late",
                    "对评标结果的异议未在3日内答复",
                    "objection answered late",
                    "works.candidate_objection_answer_max_days",
                    day_of(objection.answer_due),
                )
            )
    return found


def warnings(user: User) -> list[dict[str, Any]]:
    """Overdue steps after the evaluation on the lots the user supervises or runs."""
    if user.role not in (Role.ADMIN, Role.OVERSIGHT, Role.CENTRE, Role.SUPERVISOR):
        return []
    today = day_of(clock.now())
    lots = Lot.objects.filter(
        project__in=projects_visible_to(user),
        status__in=[
            Lot.Status.EVALUATED,
            Lot.Status.PUBLICITY,
            Lot.Status.AWARDED,
            Lot.Status.CONTRACTED,
        ],
    ).select_related("project")
    found: list[dict[str, Any]] = []
    for lot in lots:
        for check in (_publicity_warnings, _award_warnings, _contract_warnings, _answer_warnings):
            found += check(lot, today)
    return found
