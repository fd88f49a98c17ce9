"""Who may be drawn for a request, and who may not and why (回避与资格).

Every exclusion names its rule (``kernel.rules``) so the draw record shows supervisors why
each expert was left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q

from ggzy.kernel import clock, rules

from .models import Expert, ExpertStatus, Invitation, Leave


@dataclass(frozen=True)
class Exclusion:
    expert: int
    rule: str
    reason_zh: str
    reason_en: str

    def as_dict(self) -> dict[str, object]:
        return {
            "expert": self.expert,
            "rule": self.rule,
            "reason_zh": self.reason_zh,
            "reason_en": self.reason_en,
        }


@dataclass(frozen=True)
class Context:
    """What the avoidance rules look at for one request."""

    procedure_family: str  # "works" or "procurement"
    opening_day: date
    initiator: str
    agent: str
    bidders: frozenset[str]
    supervisor_uscc: str
    already_invited: frozenset[int]


def candidates(specialty: str, family: str) -> Iterable[Expert]:
    """Experts in the right pool whose main or other specialty falls under ``specialty``."""
    pool = Q(in_comprehensive_pool=True) if family == "works" else Q(in_procurement_pool=True)
    matching = Q(main_specialty__code__startswith=specialty) | Q(
        other_specialties__code__startswith=specialty
    )
    return (
        Expert.objects.filter(pool & matching)
        .distinct()
        .only("id", "employer_uscc", "status", "years_of_practice", "declared_conflicts")
        .order_by("id")
    )


def _on_leave(ids: list[int], day: date) -> set[int]:
    return set(
        Leave.objects.filter(expert_id__in=ids, start__lte=day, end__gte=day).values_list(
            "expert_id", flat=True
        )
    )


def _served_initiator(ids: list[int], initiator: str, days: int) -> set[int]:
    if days <= 0:
        return set()
    since = clock.now() - timedelta(days=days)
    return set(
        Invitation.objects.filter(
            expert_id__in=ids,
            status=Invitation.Status.CONFIRMED,
            request__initiator_uscc=initiator,
            request__opening_at__gte=since,
        ).values_list("expert_id", flat=True)
    )


def screen(experts: list[Expert], ctx: Context) -> tuple[list[Expert], list[Exclusion]]:
    """Split experts into the eligible and the excluded (with the first rule that applies)."""
    ids = [e.pk for e in experts]
    leave = _on_leave(ids, ctx.opening_day)
    served = _served_initiator(
        ids, ctx.initiator, rules.int_value("experts.avoid_same_initiator_days")
    )
    interested = {ctx.initiator, ctx.agent, *ctx.bidders} - {""}
    min_years = rules.int_value("works.expert_min_years")
    eligible: list[Expert] = []
    excluded: list[Exclusion] = []
    for expert in experts:
        reason = _reason(expert, ctx, leave, served, interested, min_years)
        if reason is None:
            eligible.append(expert)
        else:
            excluded.append(Exclusion(expert.pk, *reason))
    return eligible, excluded


def _reason(
    expert: Expert,
    ctx: Context,
    leave: set[int],
    served: set[int],
    interested: set[str],
    min_years: int,
) -> tuple[str, str, str] | None:
    if expert.pk in ctx.already_invited:
        return ("experts.already_drawn", "本项目已抽中过该专家", "already drawn for this request")
    if expert.status == ExpertStatus.BLACKLISTED:
        return ("experts.status", "已列入黑名单", "blacklisted")
    if expert.status == ExpertStatus.SUSPENDED:
        return ("experts.status", "处于暂停期", "suspended")
    if expert.pk in leave:
        return ("experts.leave", "开标当日请假", "on leave on the opening day")
    if expert.years_of_practice < min_years:
        return (
            "works.expert_min_years",
            f"从业年限不足 {min_years} 年",
            f"fewer than {min_years} years of practice",
        )
    if rules.int_value("experts.avoid_interested_employer") and expert.employer_uscc in interested:
        return (
            "experts.avoid_interested_employer",
            "工作单位为本项目招标人、代理机构或投标人",
            "employed by the initiator, the agent or a bidder",
        )
    if (
        rules.int_value("experts.avoid_supervisor_staff")
        and ctx.supervisor_uscc
        and expert.employer_uscc == ctx.supervisor_uscc
    ):
        return (
            "experts.avoid_supervisor_staff",
            "为本项目行政监督部门工作人员",
            "staff of the project's supervising department",
        )
    if rules.int_value("experts.avoid_declared_conflict") and interested & set(
        expert.declared_conflicts or []
    ):
        return (
            "experts.avoid_declared_conflict",
            "本人申报与项目参与单位存在利害关系",
            "declared a conflict with a party to the project",
        )
    if expert.pk in served:
        days = rules.int_value("experts.avoid_same_initiator_days")
        return (
            "experts.avoid_same_initiator_days",
            f"{days} 日内评审过同一招标人/采购人的项目",
            f"served the same initiator within {days} days",
        )
    return None
