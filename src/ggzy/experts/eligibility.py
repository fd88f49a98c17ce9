"""Who may be drawn for a request, and who may not and why (回避与资格).

Every exclusion names its rule (``kernel.rules``) so the draw record shows supervisors why
each expert was left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

from django.db.models import Q

from ggzy.kernel import clock, rules

from .models import Expert, ExpertStatus, Invitation, Leave, Specialty


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


class Candidate(NamedTuple):
    """What the avoidance rules read of an expert: plain values, not model instances."""

    pk: int
    employer_uscc: str
    status: str
    years_of_practice: int
    declared_conflicts: list[str]


_FIELDS = ("id", "employer_uscc", "status", "years_of_practice")


def _declared_conflicts() -> dict[int, list[str]]:
    """The few experts who declared conflicts, read apart from the candidate rows: decoding
    a JSON value for every candidate would cost more than the whole query."""
    return dict(
        Expert.objects.exclude(declared_conflicts=[]).values_list("id", "declared_conflicts")
    )


def candidates(
    specialty: str, family: str, conflicts: dict[int, list[str]] | None = None
) -> list[Candidate]:
    """Experts in the right pool whose main or other specialty falls under ``specialty``,
    by id. Two index-driven queries (main specialty; other specialties) rather than one
    OR over a join, which makes both databases scan the whole pool."""
    declared = _declared_conflicts() if conflicts is None else conflicts
    codes = list(
        Specialty.objects.filter(code__startswith=specialty).values_list("code", flat=True)
    )
    pool = Q(in_comprehensive_pool=True) if family == "works" else Q(in_procurement_pool=True)
    others = Expert.other_specialties.through.objects.filter(specialty_id__in=codes).values(
        "expert_id"
    )
    found: dict[int, Candidate] = {}
    for query in (Q(main_specialty_id__in=codes), Q(pk__in=others)):
        for pk, employer, status, years in Expert.objects.filter(pool & query).values_list(
            *_FIELDS
        ):
            found[pk] = Candidate(pk, employer, status, years, declared.get(pk) or [])
    return [found[k] for k in sorted(found)]


def _on_leave(day: date) -> set[int]:
    return set(
        Leave.objects.filter(start__lte=day, end__gte=day).values_list("expert_id", flat=True)
    )


def _served_initiator(initiator: str, days: int) -> set[int]:
    if days <= 0:
        return set()
    since = clock.now() - timedelta(days=days)
    return set(
        Invitation.objects.filter(
            status=Invitation.Status.CONFIRMED,
            request__initiator_uscc=initiator,
            request__opening_at__gte=since,
        ).values_list("expert_id", flat=True)
    )


@dataclass(frozen=True)
class Settings:
    """The avoidance rules' values, read once per screening."""

    min_years: int = field(default_factory=lambda: rules.int_value("works.expert_min_years"))
    interested: bool = field(
        default_factory=lambda: bool(rules.int_value("experts.avoid_interested_employer"))
    )
    supervisor_staff: bool = field(
        default_factory=lambda: bool(rules.int_value("experts.avoid_supervisor_staff"))
    )
    declared: bool = field(
        default_factory=lambda: bool(rules.int_value("experts.avoid_declared_conflict"))
    )
    same_initiator_days: int = field(
        default_factory=lambda: rules.int_value("experts.avoid_same_initiator_days")
    )


class Screening:
    """The avoidance rules for one request: what they need is read once, then each bucket's
    candidates are split into the eligible and the excluded (with the first rule that
    applies)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.settings = Settings()
        self.leave = _on_leave(ctx.opening_day)
        self.served = _served_initiator(ctx.initiator, self.settings.same_initiator_days)
        self.interested = {ctx.initiator, ctx.agent, *ctx.bidders} - {""}
        self.declared = _declared_conflicts()

    def split(self, experts: list[Candidate]) -> tuple[list[Candidate], list[Exclusion]]:
        eligible: list[Candidate] = []
        excluded: list[Exclusion] = []
        for expert in experts:
            reason = self._reason(expert)
            if reason is None:
                eligible.append(expert)
            else:
                excluded.append(Exclusion(expert.pk, *reason))
        return eligible, excluded

    def _reason(self, expert: Candidate) -> tuple[str, str, str] | None:
        ctx, settings = self.ctx, self.settings
        if expert.pk in ctx.already_invited:
            return (
                "experts.already_drawn",
                "本项目已抽中过该专家",
                "already drawn for this request",
            )
        if expert.status == ExpertStatus.BLACKLISTED:
            return ("experts.status", "已列入黑名单", "blacklisted")
        if expert.status == ExpertStatus.SUSPENDED:
            return ("experts.status", "处于暂停期", "suspended")
        if expert.pk in self.leave:
            return ("experts.leave", "开标当日请假", "on leave on the opening day")
        if expert.years_of_practice < settings.min_years:
            return (
                "works.expert_min_years",
                f"从业年限不足 {settings.min_years} 年",
                f"fewer than {settings.min_years} years of practice",
            )
        if settings.interested and expert.employer_uscc in self.interested:
            return (
                "experts.avoid_interested_employer",
                "工作单位为本项目招标人、代理机构或投标人",
                "employed by the initiator, the agent or a bidder",
            )
        if (
            settings.supervisor_staff
            and ctx.supervisor_uscc
            and expert.employer_uscc == ctx.supervisor_uscc
        ):
            return (
                "experts.avoid_supervisor_staff",
                "为本项目行政监督部门工作人员",
                "staff of the project's supervising department",
            )
        if settings.declared and self.interested.intersection(expert.declared_conflicts):
            return (
                "experts.avoid_declared_conflict",
                "本人申报与项目参与单位存在利害关系",
                "declared a conflict with a party to the project",
            )
        if expert.pk in self.served:
            days = settings.same_initiator_days
            return (
                "experts.avoid_same_initiator_days",
                f"{days} 日内评审过同一招标人/采购人的项目",
                f"served the same initiator within {days} days",
            )
        return None
