"""What the award services share: the evaluation behind a lot, who decides, period ends."""

from __future__ import annotations

from datetime import date, datetime, time

from ggzy.accounts.models import User
from ggzy.entities.selectors import entity_of
from ggzy.evaluation.models import Evaluation
from ggzy.kernel import clock, rules
from ggzy.kernel.errors import Conflict, Forbidden
from ggzy.tendering.models import Funding, Lot, Project
from ggzy.tendering.procedures import GP
from ggzy.tendering.services.common import procedure_of


def is_gp(project: Project) -> bool:
    return procedure_of(project).family == GP


def finished_evaluation(lot: Lot) -> Evaluation:
    """The lot's complete evaluation (report signed by every member), or a refusal."""
    evaluation = Evaluation.objects.filter(lot=lot).first()
    if evaluation is None or evaluation.status != Evaluation.Status.COMPLETE:
        raise Conflict(
            "评标报告尚未由全体成员签署完成",
            "the evaluation report is not signed by the whole committee yet",
            code="evaluation_incomplete",
        )
    return evaluation


def require_initiator(user: User, project: Project, *, article: rules.Citation) -> None:
    """The award is the initiator's own decision (定标), not its agent's."""
    entity = entity_of(user)
    if entity is None or entity.pk != project.initiator_id:
        raise Forbidden(
            f"定标由招标人/采购人（{project.initiator.name}）作出（依据{article.zh}）",
            f"the initiator ({project.initiator.name}) makes the award ({article.en})",
            code="not_initiator",
        )


def must_follow_order(project: Project) -> bool:
    """State-funded works (Reg. Art 55) and all procurement (GP Reg. Art 43) award the
    candidates in their ranked order."""
    state = project.funding in (Funding.STATE, Funding.STATE_CONTROLLED)
    return is_gp(project) or state


def day_of(moment: datetime) -> date:
    return moment.astimezone(clock.SHANGHAI).date()


def end_of(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59), tzinfo=clock.SHANGHAI)
