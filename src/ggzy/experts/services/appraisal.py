"""Appraisal (考评), the annual assessment, and remuneration (评审劳务报酬).

One project, one appraisal (一项目一考评): each invitation an expert served on is appraised
once by the centre and once by the initiator. **Scale**: four items — attitude (工作态度),
discipline (遵守纪律), professional level (专业水平), confidentiality (保密) — each a whole
number from 0 to 100, where 100 means nothing to criticise; the overall score is their mean.
The initiator may appraise only after the result is public, because until then the
committee's names are sealed (Law Art 37).

Remuneration is paid by bank transfer, never cash (Xiangxi seed): ``export_bank_batch``
writes the batch file for the bank and refuses it while any payee lacks a bank account.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from ggzy.accounts.models import Role, User
from ggzy.accounts.selectors import is_centre_staff
from ggzy.core.services import record
from ggzy.experts import events
from ggzy.kernel import clock
from ggzy.kernel.errors import Conflict, Forbidden, InvalidInput, NotFound
from ggzy.kernel.money import yuan
from ggzy.kernel.text import clean_text

from ..models import Appraisal, DrawRequest, Expert, Invitation, Remuneration, Sanction
from ..selectors.draws import can_run_evaluation

SCORE_MIN, SCORE_MAX = 0, 100
ITEMS: tuple[tuple[str, str, str], ...] = (
    ("attitude", "工作态度", "attitude"),
    ("discipline", "遵守纪律", "discipline"),
    ("professional", "专业水平", "professional level"),
    ("confidentiality", "保密", "confidentiality"),
)
MAX_HOURS = Decimal(24)
SERVED = (Invitation.Status.CONFIRMED, Invitation.Status.REPLACED)
CSV_HEADER = ("收款人姓名", "开户银行", "银行账号", "金额（元）", "用途")


def _lock_served(invitation_id: int) -> Invitation:
    found = (
        Invitation.objects.select_for_update()
        .select_related("request", "expert")
        .filter(pk=invitation_id)
        .first()
    )
    if found is None:
        raise NotFound(
            f"抽取通知 {invitation_id} 不存在", f"no invitation {invitation_id}", field="invitation"
        )
    if found.status not in SERVED:
        raise Conflict(
            f"该专家未参加本项目评审（{found.get_status_display()}）",
            f"the expert did not serve on this evaluation ({found.status})",
            code="not_served",
            field="invitation",
        )
    return found


def side_of(user: User, request: DrawRequest) -> str:
    """Which side ``user`` appraises for, or ``Forbidden``."""
    if can_run_evaluation(user, request):
        return Appraisal.By.CENTRE
    link = getattr(user, "entity_link", None) if user.is_authenticated else None
    is_initiator = (
        user.is_authenticated
        and user.role == Role.ENTITY
        and link is not None
        and bool(link.entity.uscc)
        and link.entity.uscc == request.initiator_uscc
    )
    if is_initiator:
        if request.status != DrawRequest.Status.PUBLIC:
            raise Forbidden(
                "评标结果公开前，招标人/采购人不能评价专家（专家名单保密）",
                "the initiator may appraise experts only after the result is public "
                "(the committee is confidential until then)",
                code="sealed",
            )
        return Appraisal.By.INITIATOR
    raise Forbidden(
        "只有组织评标的交易中心或本项目的招标人/采购人才能评价专家",
        "only the centre running the evaluation or the project's initiator may appraise",
    )


def _score(name: str, label_zh: str, label_en: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(
            f"{label_zh}应为{SCORE_MIN}到{SCORE_MAX}的整数",
            f"the {label_en} score must be a whole number from {SCORE_MIN} to {SCORE_MAX}",
            field=name,
        )
    if not SCORE_MIN <= value <= SCORE_MAX:
        raise InvalidInput(
            f"{label_zh}应在{SCORE_MIN}到{SCORE_MAX}之间，填写的是{value}",
            f"the {label_en} score must be from {SCORE_MIN} to {SCORE_MAX}; got {value}",
            field=name,
        )
    return value


@transaction.atomic
def appraise(
    *,
    user: User,
    invitation_id: int,
    attitude: int,
    discipline: int,
    professional: int,
    confidentiality: int,
    remarks: str = "",
    ip: str | None = None,
) -> Appraisal:
    """The centre's or the initiator's appraisal of one expert on one project."""
    given = {
        "attitude": attitude,
        "discipline": discipline,
        "professional": professional,
        "confidentiality": confidentiality,
    }
    scores = {name: _score(name, zh, en, given[name]) for name, zh, en in ITEMS}
    clean_remarks = clean_text(
        remarks,
        field="remarks",
        max_length=500,
        required=False,
        multiline=True,
        label_zh="备注",
        label_en="remarks",
    )
    invitation = _lock_served(invitation_id)
    by = side_of(user, invitation.request)
    if Appraisal.objects.filter(invitation=invitation, by=by).exists():
        raise Conflict(
            "本项目已评价过该专家（一项目一考评）",
            "this side has already appraised the expert on this project",
            code="already_appraised",
        )
    try:
        with transaction.atomic():
            appraisal = Appraisal.objects.create(
                invitation=invitation,
                by=by,
                remarks=clean_remarks,
                author=user,
                created_at=clock.now(),
                **scores,
            )
    except IntegrityError:
        raise Conflict(
            "本项目已评价过该专家（一项目一考评）",
            "this side has already appraised the expert on this project",
            code="already_appraised",
        ) from None
    record(
        events.EXPERT_APPRAISED,
        subject=f"expert:{invitation.expert_id}",
        actor=user.actor,
        ip=ip,
        payload={
            "expert_id": invitation.expert_id,
            "invitation_id": invitation.pk,
            "appraisal_id": appraisal.pk,
            "by": by,
            **scores,
        },
    )
    return appraisal


def overall(appraisal: Appraisal) -> Decimal:
    total = sum(getattr(appraisal, name) for name, _, _ in ITEMS)
    return (Decimal(total) / len(ITEMS)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# --- annual assessment --------------------------------------------------------------------


@dataclass
class AnnualAssessment:
    """An expert's year (年度考核): projects served, appraisals and sanctions."""

    expert_id: int
    year: int
    projects: int = 0
    appraisals: int = 0
    averages: dict[str, Decimal | None] = field(default_factory=dict)
    overall: Decimal | None = None
    sanctions: list[Sanction] = field(default_factory=list)
    hours: Decimal = Decimal("0.0")
    amount: Decimal = Decimal("0.00")


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    start = datetime.combine(date(year, 1, 1), time(0), tzinfo=clock.SHANGHAI)
    end = datetime.combine(date(year + 1, 1, 1), time(0), tzinfo=clock.SHANGHAI)
    return start, end


def annual_assessment(expert: Expert, year: int) -> AnnualAssessment:
    """Aggregate the expert's projects, appraisals, sanctions and pay for ``year`` (the
    opening date of each project, Asia/Shanghai, decides the year)."""
    if not 2000 <= year <= 2100:
        raise InvalidInput(
            "年份应在2000到2100之间", "the year must be from 2000 to 2100", field="year"
        )
    start, end = _year_bounds(year)
    served = Invitation.objects.filter(
        expert=expert,
        status__in=SERVED,
        request__opening_at__gte=start,
        request__opening_at__lt=end,
    )
    result = AnnualAssessment(expert_id=expert.pk, year=year)
    result.projects = served.values("request_id").distinct().count()
    appraisals = list(Appraisal.objects.filter(invitation__in=served))
    result.appraisals = len(appraisals)
    places = Decimal("0.01")
    for name, _, _ in ITEMS:
        values = [getattr(a, name) for a in appraisals]
        result.averages[name] = (
            (Decimal(sum(values)) / len(values)).quantize(places, rounding=ROUND_HALF_UP)
            if values
            else None
        )
    if appraisals:
        total = sum(sum(getattr(a, n) for n, _, _ in ITEMS) for a in appraisals)
        result.overall = (Decimal(total) / (len(appraisals) * len(ITEMS))).quantize(
            places, rounding=ROUND_HALF_UP
        )
    result.sanctions = list(
        Sanction.objects.filter(
            expert=expert, start__gte=date(year, 1, 1), start__lte=date(year, 12, 31)
        ).order_by("start")
    )
    for pay in Remuneration.objects.filter(invitation__in=served):
        result.hours += pay.hours
        result.amount += pay.amount
    return result


# --- remuneration ------------------------------------------------------------------------


def _hours(value: Any) -> Decimal:
    try:
        hours = Decimal(str(value)) if not isinstance(value, float | bool) else None
    except InvalidOperation:
        hours = None
    if hours is None or not hours.is_finite():
        raise InvalidInput(
            f"评审时长“{value}”不是有效数字", f"the hours '{value}' are not a number", field="hours"
        )
    if hours <= 0 or hours > MAX_HOURS or hours != hours.quantize(Decimal("0.1")):
        raise InvalidInput(
            f"评审时长应大于0、不超过{MAX_HOURS}小时，最多一位小数",
            f"the hours must be above 0 and at most {MAX_HOURS}, with at most one decimal place",
            field="hours",
        )
    return hours.quantize(Decimal("0.1"))


@transaction.atomic
def record_remuneration(
    *, user: User, invitation_id: int, hours: Any, amount: Any, ip: str | None = None
) -> Remuneration:
    """Pay for one evaluation: hours and an exact amount in yuan (strings or Decimals)."""
    clean_hours = _hours(hours)
    clean_amount = yuan(amount, field="amount")
    if clean_amount <= 0:
        raise InvalidInput("金额应大于0", "the amount must be above zero", field="amount")
    invitation = _lock_served(invitation_id)
    if not can_run_evaluation(user, invitation.request):
        raise Forbidden(
            "只有组织本次评标的交易中心工作人员才能登记劳务报酬",
            "only the staff of the centre running this evaluation may record remuneration",
        )
    if Remuneration.objects.filter(invitation=invitation).exists():
        raise Conflict(
            "该专家本项目的劳务报酬已登记",
            "the remuneration for this evaluation is already recorded",
            code="remuneration_exists",
        )
    pay = Remuneration.objects.create(
        invitation=invitation, hours=clean_hours, amount=clean_amount, created_at=clock.now()
    )
    record(
        events.EXPERT_REMUNERATION_RECORDED,
        subject=f"expert:{invitation.expert_id}",
        actor=user.actor,
        ip=ip,
        payload={
            "expert_id": invitation.expert_id,
            "invitation_id": invitation.pk,
            "remuneration_id": pay.pk,
            "hours": str(clean_hours),
            "amount": str(clean_amount),
        },
    )
    return pay


def _csv_safe(value: str) -> str:
    return "'" + value if value[:1] in {"=", "+", "-", "@", "\t", "\r"} else value


def _batch_rows(
    user: User,
    request: DrawRequest | int | None,
    period: tuple[date, date] | None,
    include_exported: bool,
) -> tuple[QuerySet[Remuneration], dict[str, Any]]:
    if (request is None) == (period is None):
        raise InvalidInput(
            "请指定一个抽取申请或一个期间（二者选一）",
            "give either a draw request or a period, not both",
            field="request",
        )
    rows = Remuneration.objects.select_related("invitation__expert", "invitation__request")
    if not include_exported:
        rows = rows.filter(exported_at__isnull=True)
    if request is not None:
        request_id = request.pk if isinstance(request, DrawRequest) else request
        found = DrawRequest.objects.filter(pk=request_id).first()
        if found is None:
            raise NotFound(f"抽取申请 {request_id} 不存在", f"no draw request {request_id}")
        if not can_run_evaluation(user, found):
            raise Forbidden(
                "只有组织本次评标的交易中心工作人员才能导出", "only the centre's staff may export"
            )
        return rows.filter(invitation__request=found), {"request_id": found.pk}
    assert period is not None
    first, last = period
    if last < first or last - first > timedelta(days=366):
        raise InvalidInput(
            "期间无效：结束日期不能早于开始日期，且不超过一年",
            "the period is invalid: it ends before it starts or spans more than a year",
            field="period",
        )
    if not is_centre_staff(user):
        raise Forbidden("只有交易中心工作人员才能导出", "only centre staff may export")
    start = datetime.combine(first, time(0), tzinfo=clock.SHANGHAI)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=clock.SHANGHAI)
    rows = rows.filter(
        invitation__request__opening_at__gte=start, invitation__request__opening_at__lt=end
    )
    if not (user.role == Role.ADMIN or user.is_superuser):
        rows = rows.filter(invitation__request__centre_id=user.organisation_id)
    return rows, {"from": first.isoformat(), "to": last.isoformat()}


@transaction.atomic
def export_bank_batch(
    *,
    user: User,
    request: DrawRequest | int | None = None,
    period: tuple[date, date] | None = None,
    include_exported: bool = False,
    ip: str | None = None,
) -> bytes:
    """The bank-transfer batch (CSV, UTF-8 with BOM) for one draw request or a period of
    opening dates: payee, bank, account, amount, memo. Refuses the whole batch, naming
    them, while any payee has no bank account. Marks the rows exported."""
    rows, scope = _batch_rows(user, request, period, include_exported)
    payments = list(rows.select_for_update(of=("self",)).order_by("invitation__request_id", "pk"))
    if not payments:
        raise Conflict(
            "没有待导出的劳务报酬",
            "there is no remuneration waiting to be exported",
            code="nothing_to_export",
        )
    missing = sorted(
        {p.invitation.expert.name for p in payments if not p.invitation.expert.bank_account}
    )
    if missing:
        names = "、".join(missing)
        raise InvalidInput(
            f"以下专家未登记银行账户，劳务报酬只能银行转账支付，不能发放现金：{names}",
            f"these experts have no bank account; remuneration is paid by bank transfer only, "
            f"never cash: {', '.join(missing)}",
            code="no_bank_account",
            field="bank_account",
        )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    total = Decimal("0.00")
    for pay in payments:
        expert, req = pay.invitation.expert, pay.invitation.request
        memo = f"评审劳务费 {req.project_code} {req.lot_name}"
        writer.writerow(
            [
                _csv_safe(expert.name),
                _csv_safe(expert.bank_name),
                expert.bank_account,
                f"{pay.amount:.2f}",
                _csv_safe(memo),
            ]
        )
        total += pay.amount
    content = ("\ufeff" + out.getvalue()).encode("utf-8")
    now = clock.now()
    Remuneration.objects.filter(pk__in=[p.pk for p in payments]).update(exported_at=now)
    record(
        events.EXPERT_BANK_BATCH_EXPORTED,
        subject="experts:remuneration",
        actor=user.actor,
        ip=ip,
        payload={
            **scope,
            "count": len(payments),
            "total": str(yuan(total)),
            "remuneration_ids": [p.pk for p in payments],
            "csv_sha256": hashlib.sha256(content).hexdigest(),
        },
    )
    return content
