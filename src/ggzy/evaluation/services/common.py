"""What the evaluation services share: locking, who may act, the ledger subject."""

from __future__ import annotations

from typing import Any

from ggzy.accounts.models import User
from ggzy.core.services import record
from ggzy.experts.selectors.draws import can_run_evaluation
from ggzy.kernel.errors import Conflict, Forbidden, NotFound

from ..method import Method
from ..models import Evaluation, Member


def lock(evaluation_id: int) -> Evaluation:
    found = (
        Evaluation.objects.select_for_update()
        .select_related("lot", "lot__project", "draw_request")
        .filter(pk=evaluation_id)
        .first()
    )
    if found is None:
        raise NotFound("评标不存在", "no such evaluation", code="evaluation_not_found")
    return found


def require_status(evaluation: Evaluation, *statuses: str) -> None:
    if evaluation.status not in statuses:
        wanted = "、".join(str(Evaluation.Status(s).label) for s in statuses)
        raise Conflict(
            f"评标当前为「{evaluation.get_status_display()}」，此操作只能在「{wanted}」时办理",
            f"the evaluation is {evaluation.status}; this needs {', '.join(statuses)}",
            code="wrong_stage",
        )


def require_runner(user: User, evaluation: Evaluation) -> None:
    """The centre staff running the evaluation (the ones who may read the sealed list)."""
    if not can_run_evaluation(user, evaluation.draw_request):
        raise Forbidden(
            "只有组织本次评标的交易中心工作人员才能办理",
            "only the staff of the trading centre running this evaluation may do this",
            code="not_evaluation_staff",
        )


def current_members(evaluation: Evaluation) -> list[Member]:
    return list(evaluation.members.filter(replaced_at__isnull=True).order_by("id"))


def member_of(user: User, evaluation: Evaluation) -> Member:
    """The user's current seat on the committee, or a refusal."""
    member = evaluation.members.filter(user=user, replaced_at__isnull=True).first()
    if member is None:
        raise Forbidden(
            "您不是本评标委员会的在任成员",
            "you are not a current member of this committee",
            code="not_member",
        )
    return member


def require_signed_in(member: Member) -> None:
    if member.signed_in_at is None:
        raise Conflict("请先签到", "sign in first", code="not_signed_in")


def chair_of(user: User, evaluation: Evaluation) -> Member:
    """Committee decisions are recorded by the chair (主任委员)."""
    member = member_of(user, evaluation)
    if not member.is_chair:
        raise Forbidden(
            "委员会的决定由主任委员录入",
            "the committee's decisions are recorded by its chair",
            code="not_chair",
        )
    return member


def method_of(evaluation: Evaluation) -> Method:
    from ggzy.tendering.procedures import get as get_procedure

    from ..method import parse_method

    project = evaluation.lot.project
    return parse_method(
        evaluation.method, procedure=get_procedure(project.procedure), category=project.category
    )


def subject(evaluation: Evaluation) -> str:
    return f"lot:{evaluation.lot.code}"


def witness(
    evaluation: Evaluation, kind: str, user: User | None, payload: dict[str, Any], ip: str | None
) -> None:
    """Bump the version (pages re-read) and append the ledger entry."""
    evaluation.version += 1
    evaluation.save(update_fields=["version"])
    record(
        kind,
        subject=subject(evaluation),
        actor=user.actor if user else "system",
        payload={"evaluation": evaluation.pk, **payload},
        ip=ip,
    )
