"""Reads from the report to the contract, and the overdue warnings for supervisors."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import IO, Any

from django.db.models import QuerySet
from django.urls import reverse

from ggzy.accounts.models import STAFF_ROLES, Role, User
from ggzy.core import files
from ggzy.entities.models import MarketEntity
from ggzy.entities.selectors import entity_of
from ggzy.evaluation.models import Evaluation
from ggzy.kernel import clock, rules
from ggzy.kernel.errors import NotFound
from ggzy.tendering.models import Lot, Objection
from ggzy.tendering.selectors import get_lot, managed_projects, projects_visible_to
from ggzy.tendering.services.common import is_manager
from ggzy.workcalendar.periods import last_day
from ggzy.workspace.todo import Todo, todo

from .models import Award, Challenge, Contract, Letter, Publicity
from .periods import ANSWER_RULE, note
from .services.common import day_of, is_gp


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


def letter_file(letter: Letter) -> IO[bytes]:
    """The sealed letter's PDF from the file store; the caller (a response) closes it."""
    return files.open_stored(letter.file)


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
                "answer_due_note": note(ANSWER_RULE, c.raised_at, c.answer_due),
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


def _warning(
    lot: Lot,
    kind: str,
    zh: str,
    en: str,
    rule: str,
    due: date | None,
    start: datetime | date | None = None,
) -> dict[str, Any]:
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
        "due_note": note(rule, start, due),
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
    due = last_day(rule, evaluation.completed_at)
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
            evaluation.completed_at,
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
        due_pub = last_day(rule, contract.signed_on)
        if due_pub is not None and day_of(contract.recorded_at) > due_pub:
            found.append(
                _warning(
                    lot,
                    "contract_published_late",
                    "合同未在签订后2个工作日内公告",
                    "contract published late",
                    rule,
                    due_pub,
                    contract.signed_on,
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
                    ANSWER_RULE,
                    due,
                    challenge.raised_at,
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
    if user.role not in STAFF_ROLES:
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


# --- to-dos (待办事项) ----------------------------------------------------------------------

# Who watches the steps after the evaluation: their overdue warnings are their to-dos.
WATCHERS = frozenset({Role.SUPERVISOR, Role.OVERSIGHT})
AFTER_EVALUATION = (Lot.Status.EVALUATED, Lot.Status.PUBLICITY, Lot.Status.AWARDED)
PUBLICITY_START_RULE = "works.candidate_publicity_start_max_days"
AWARD_PICK_RULE = "gp.award_pick_max_working_days"
OBJECTION_ANSWER_RULE = "works.candidate_objection_answer_max_days"


def todos(user: User) -> list[Todo]:
    """Supervisors and oversight: the overdue warnings of the lots they watch. The initiator
    and agent: candidates to publish, the award, the contract, objections and challenges to
    answer. Bidders: the award or result notice to download."""
    if not user.is_authenticated:
        return []
    if user.role in WATCHERS:
        return [_from_warning(w) for w in warnings(user)]
    entity = entity_of(user)
    if entity is None:
        return []
    managed = Lot.objects.filter(project__in=managed_projects(user)).select_related(
        "project", "evaluation", "publicity", "award", "contract"
    )
    found: list[Todo] = []
    for lot in managed.filter(status__in=AFTER_EVALUATION).order_by("code"):
        found += _next_step(lot, initiator=lot.project.initiator_id == entity.pk)
    found += _objections(managed)
    found += _challenges(managed)
    found += _letters(entity)
    return found


def _lot_todo(lot: Lot, kind: str, zh: str, en: str, **more: Any) -> Todo:
    link = more.pop("link", None) or reverse("awards:lot", args=[lot.pk])
    name = f"{lot.project.name} {lot.name}"
    return todo(f"awards.{kind}", zh, en, code=lot.code, name=name, link=link, **more)


def _from_warning(warning: dict[str, Any]) -> Todo:
    return Todo(
        kind=f"awards.warning.{warning['kind']}",
        title_zh=f"逾期预警：{warning['message_zh']}",
        title_en=f"Overdue: {warning['message_en']}",
        code=warning["code"],
        name=warning["project"],
        link=reverse("awards:lot", args=[warning["lot"]]),
        deadline=warning["due"],
        rule=warning["rule"],
        note=warning["due_note"],
    )


def _contract_due(lot: Lot, award: Award) -> tuple[date, str]:
    """The last day to sign the contract: 30 days from the award notice (Law Art 46)."""
    rule = "gp.contract_max_days" if is_gp(lot.project) else "works.contract_max_days"
    return day_of(award.decided_at) + timedelta(days=rules.int_value(rule)), rule


def _next_step(lot: Lot, *, initiator: bool) -> list[Todo]:
    """The one step the lot waits for from its initiator or agent after the evaluation."""
    evaluation: Evaluation | None = getattr(lot, "evaluation", None)
    if evaluation is None or evaluation.completed_at is None:
        return []
    done = evaluation.completed_at
    if lot.status == Lot.Status.EVALUATED and is_gp(lot.project):
        if not initiator:
            return []  # the purchaser picks, not its agent (GP Reg. Art 43)
        due = last_day(AWARD_PICK_RULE, done)
        zh, en = "确定成交供应商", "Pick the supplier (award)"
        return [_lot_todo(lot, "pick", zh, en, deadline=due, rule=AWARD_PICK_RULE, since=done)]
    if lot.status == Lot.Status.EVALUATED:
        due = day_of(done) + timedelta(days=rules.int_value(PUBLICITY_START_RULE))
        zh, en = "公示中标候选人", "Publish the candidates"
        return [_lot_todo(lot, "publicity", zh, en, deadline=due, rule=PUBLICITY_START_RULE)]
    publicity: Publicity | None = getattr(lot, "publicity", None)
    if lot.status == Lot.Status.PUBLICITY:
        over = publicity is not None and publicity.ends_at <= clock.now()
        # An unanswered objection suspends the award; answering it is the to-do then.
        suspended = lot.objections.filter(answered_at__isnull=True).exists()
        if not (initiator and over) or suspended:
            return []
        return [_lot_todo(lot, "decide", "确定中标人（公示期已满）", "Decide the award")]
    award: Award | None = getattr(lot, "award", None)
    if award is None or getattr(lot, "contract", None) is not None:
        return []
    due, rule = _contract_due(lot, award)
    zh, en = "签订并登记合同", "Sign and record the contract"
    return [_lot_todo(lot, "contract", zh, en, deadline=due, rule=rule)]


def _objections(managed: QuerySet[Lot]) -> list[Todo]:
    waiting = Objection.objects.filter(
        lot__in=managed, stage=Objection.Stage.CANDIDATES, answered_at__isnull=True
    ).select_related("lot__project")
    return [
        _lot_todo(
            objection.lot,
            "answer_objection",
            "答复对评标结果的异议",
            "Answer an objection to the result",
            deadline=objection.answer_due,
            rule=OBJECTION_ANSWER_RULE,
        )
        for objection in waiting
        if objection.lot is not None
    ]


def _challenges(managed: QuerySet[Lot]) -> list[Todo]:
    waiting = Challenge.objects.filter(lot__in=managed, answered_at__isnull=True)
    return [
        _lot_todo(
            challenge.lot,
            "answer_challenge",
            "答复质疑",
            "Answer a challenge",
            deadline=challenge.answer_due,
            rule=ANSWER_RULE,
            since=challenge.raised_at,
        )
        for challenge in waiting.select_related("lot__project")
    ]


def _letters(entity: MarketEntity) -> list[Todo]:
    """The entity's own notices while the contract is still to be signed. Whether a letter
    was downloaded is not recorded, so it stays listed until then."""
    letters = Letter.objects.filter(entity=entity, award__lot__status=Lot.Status.AWARDED)
    found = []
    for letter in letters.select_related("award__lot__project"):
        lot, link = letter.award.lot, reverse("awards:letter", args=[letter.pk])
        if letter.kind == Letter.Kind.AWARD:
            due, rule = _contract_due(lot, letter.award)
            zh, en = (
                "下载中标（成交）通知书并签订合同",
                "Download the award notice; sign the contract",
            )
            found.append(_lot_todo(lot, "letter", zh, en, link=link, deadline=due, rule=rule))
        else:
            zh, en = "下载结果通知书", "Download the result notice"
            found.append(_lot_todo(lot, "result_letter", zh, en, link=link))
    return found
