"""The request for experts (抽取申请): procedures, requirements, the committee's make-up and
the time by which a local evaluation's experts must be drawn."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction

from django.db import transaction

from ggzy.accounts.models import Organisation, User
from ggzy.accounts.selectors import is_centre_staff
from ggzy.core.services import record
from ggzy.experts import events
from ggzy.kernel import clock, rules
from ggzy.kernel.errors import Forbidden, InvalidInput, NotFound
from ggzy.kernel.ids import validate_uscc
from ggzy.kernel.text import clean_text

from ...models import DrawMode, DrawRequest, Specialty, Venue

# procedure → (pool family, minimum-members rule, expert-fraction rule)
_NON_TENDER = (
    "procurement",
    "gp.non_tender_panel_min_members",
    "gp.non_tender_panel_expert_min_fraction",
)
PROCEDURES: dict[str, tuple[str, str, str]] = {
    "works_tender": ("works", "works.panel_min_members", "works.panel_expert_min_fraction"),
    "gp_tender": (
        "procurement",
        "gp.tender_panel_min_members",
        "gp.tender_panel_expert_min_fraction",
    ),
    "gp_negotiation": _NON_TENDER,
    "gp_consultation": _NON_TENDER,
    "gp_inquiry": _NON_TENDER,
}
MAX_SECONDARY_VENUES = 3


def subject_of(request: DrawRequest) -> str:
    return f"draw:{request.pk}"


def require_centre(user: User) -> None:
    if not is_centre_staff(user):
        raise Forbidden("只有交易中心工作人员可以抽取专家", "only centre staff draw experts")


# --- the request ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Requirement:
    specialty: str
    venue: str  # "main" or "secondary-1" … "secondary-3"
    count: int

    @property
    def key(self) -> str:
        return f"{self.venue}:{self.specialty}"


def _requirements(raw: object, *, secondary: int) -> list[Requirement]:
    if not isinstance(raw, list) or not raw:
        raise InvalidInput(
            "请至少填写一项抽取要求（专业、场地、人数）",
            "give at least one requirement (specialty, venue, count)",
            field="requirements",
        )
    venues = {"main", *(f"secondary-{i}" for i in range(1, secondary + 1))}
    out: list[Requirement] = []
    for i, item in enumerate(raw, start=1):
        if not isinstance(item, dict):
            raise InvalidInput(
                f"第 {i} 项抽取要求格式错误", f"requirement {i} is malformed", field="requirements"
            )
        code, venue, count = item.get("specialty"), item.get("venue", "main"), item.get("count")
        if (
            not isinstance(code, str)
            or not Specialty.objects.filter(code=code, is_active=True).exists()
        ):
            raise InvalidInput(
                f"第 {i} 项：专业代码“{code}”不在专家专业分类中",
                f"requirement {i}: specialty code {code!r} is not in the classification",
                code="unknown_specialty",
                field="requirements",
            )
        if venue not in venues:
            raise InvalidInput(
                f"第 {i} 项：场地须为 {sorted(venues)} 之一",
                f"requirement {i}: venue must be one of {sorted(venues)}",
                field="requirements",
            )
        if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= 50:
            raise InvalidInput(
                f"第 {i} 项：人数须为 1–50 的整数",
                f"requirement {i}: count must be 1–50",
                field="requirements",
            )
        out.append(Requirement(code, venue, count))
    if len({r.key for r in out}) != len(out):
        raise InvalidInput(
            "同一场地的同一专业只能填写一次",
            "one line per venue and specialty",
            field="requirements",
        )
    return out


def check_panel(procedure: str, committee: int, experts: int, owners: int) -> None:
    _family, min_rule, fraction_rule = PROCEDURES[procedure]
    minimum = rules.int_value(min_rule)
    if committee < minimum or committee % 2 == 0:
        raise rules.violation(
            min_rule,
            f"评标委员会应为 {minimum} 人以上单数，申请为 {committee} 人",
            f"the committee must have {minimum} or more members, an odd number; asked {committee}",
            field="committee_size",
        )
    if experts + owners != committee:
        raise InvalidInput(
            f"抽取专家 {experts} 人加招标人代表 {owners} 人应等于委员会人数 {committee}",
            f"{experts} drawn experts plus {owners} representatives must equal the "
            f"committee of {committee}",
            field="owner_representatives",
        )
    fraction = rules.fraction_value(fraction_rule)
    if Fraction(experts, committee) < fraction:
        raise rules.violation(
            fraction_rule,
            f"专家 {experts} 人不足委员会 {committee} 人的 {fraction}",
            f"{experts} experts are fewer than {fraction} of the committee of {committee}",
            field="requirements",
        )


def check_draw_time(request: DrawRequest, now: datetime) -> None:
    if request.mode == DrawMode.REMOTE:
        return
    hours = rules.int_value("experts.draw_min_hours_before_opening")
    if now > request.opening_at - timedelta(hours=hours):
        raise rules.violation(
            "experts.draw_min_hours_before_opening",
            f"本地评标项目最迟应于开标前 {hours} 小时抽取专家（开标时间 "
            f"{request.opening_at.astimezone(clock.SHANGHAI):%Y-%m-%d %H:%M}）",
            f"experts must be drawn at least {hours} hours before the opening "
            f"({request.opening_at.astimezone(clock.SHANGHAI):%Y-%m-%d %H:%M})",
            field="opening_at",
        )


@transaction.atomic
def create_request(
    *,
    user: User,
    project_code: str,
    lot_name: str,
    procedure: str,
    supervisor_id: int,
    initiator_uscc: str,
    agent_uscc: str = "",
    bidder_usccs: Sequence[str] = (),
    opening_at: datetime,
    mode: str,
    committee_size: int,
    owner_representatives: int,
    requirements: object,
    main_venue_id: int,
    secondary_venue_count: int = 0,
    reply_minutes: int = 30,
) -> DrawRequest:
    """Register a request for experts for one lot (抽取申请)."""
    require_centre(user)
    if procedure not in PROCEDURES:
        raise InvalidInput(
            f"采购/招标方式须为 {sorted(PROCEDURES)} 之一",
            f"procedure must be one of {sorted(PROCEDURES)}",
            field="procedure",
        )
    if mode not in DrawMode.values:
        raise InvalidInput(
            "评标方式须为 local 或 remote", "mode must be local or remote", field="mode"
        )
    secondary = secondary_venue_count if mode == DrawMode.REMOTE else 0
    if mode == DrawMode.REMOTE and not 1 <= secondary <= MAX_SECONDARY_VENUES:
        raise InvalidInput(
            "远程异地评标须随机抽取 1–3 个副场",
            "remote evaluation draws 1 to 3 secondary venues",
            field="secondary_venue_count",
        )
    needs = _requirements(requirements, secondary=secondary)
    check_panel(procedure, committee_size, sum(r.count for r in needs), owner_representatives)
    supervisor = Organisation.objects.filter(
        pk=supervisor_id, kind=Organisation.Kind.DEPARTMENT
    ).first()
    if supervisor is None:
        raise NotFound(
            "行政监督部门不存在", "no such supervisory department", field="supervisor_id"
        )
    main_venue = Venue.objects.filter(pk=main_venue_id, is_active=True).first()
    if main_venue is None:
        raise NotFound("评标场地不存在", "no such venue", field="main_venue_id")
    if (
        secondary
        and Venue.objects.filter(is_active=True).exclude(pk=main_venue.pk).count() < secondary
    ):
        raise InvalidInput(
            f"可供抽取的副场不足 {secondary} 个",
            f"fewer than {secondary} venues to draw from",
            field="secondary_venue_count",
        )
    if opening_at.tzinfo is None:
        raise InvalidInput(
            "开标时间须带时区", "the opening time needs a time zone", field="opening_at"
        )
    if not 1 <= reply_minutes <= 24 * 60:
        raise InvalidInput(
            "确认时限须为 1–1440 分钟", "reply time must be 1–1440 minutes", field="reply_minutes"
        )
    now = clock.now()
    request = DrawRequest(
        project_code=clean_text(
            project_code,
            field="project_code",
            max_length=64,
            label_zh="项目编号",
            label_en="project code",
        ),
        lot_name=clean_text(
            lot_name, field="lot_name", max_length=200, label_zh="标段名称", label_en="lot name"
        ),
        procedure=procedure,
        centre=user.organisation or main_venue.centre,
        supervisor=supervisor,
        initiator_uscc=validate_uscc(initiator_uscc, field="initiator_uscc"),
        agent_uscc=validate_uscc(agent_uscc, field="agent_uscc") if agent_uscc else "",
        bidder_usccs=sorted({validate_uscc(b, field="bidder_usccs") for b in bidder_usccs}),
        opening_at=opening_at,
        mode=mode,
        committee_size=committee_size,
        owner_representatives=owner_representatives,
        requirements=[r.__dict__ for r in needs],
        main_venue=main_venue,
        secondary_venue_count=secondary,
        reply_minutes=reply_minutes,
        created_by=user,
        created_at=now,
    )
    check_draw_time(request, now)
    request.save()
    record(
        events.EXPERT_DRAW_REQUESTED,
        subject=subject_of(request),
        actor=user.actor,
        payload={
            "request_id": request.pk,
            "project_code": request.project_code,
            "procedure": procedure,
            "mode": mode,
            "committee_size": committee_size,
            "requirements": request.requirements,
            "opening_at": opening_at,
        },
    )
    return request
