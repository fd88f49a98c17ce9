"""Registration (竞买申请): apply, review, deposit confirmed, then an anonymous bidder number.

Who applied is known to the centre and the supervisors only; the public ledger names the
applicant by a pseudonym and the hall by the bidder number (竞买号) until the result.
"""

from __future__ import annotations

import secrets
from decimal import Decimal, InvalidOperation

from django.db import transaction

from ggzy.accounts.models import User
from ggzy.auctions import events
from ggzy.core.services import record
from ggzy.entities.models import EntityStatus
from ggzy.entities.selectors import entity_of
from ggzy.kernel import clock
from ggzy.kernel.errors import Conflict, Forbidden, InvalidInput, NotFound, RuleViolation
from ggzy.kernel.money import format_cny, from_fen
from ggzy.kernel.text import clean_text

from ..models import Auction, Registration
from ._common import applicant_ref, lock_auction, positive_fen, require_staff


def _open_for_applications(auction: Auction) -> None:
    if auction.status != Auction.Status.ANNOUNCED or clock.now() >= auction.free_ends_at:
        raise RuleViolation(
            "本项目不在竞买申请期内（公告后至挂牌/自由报价期截止）",
            "applications are taken from the announcement until the free period ends",
            code="not_open_for_applications",
        )


@transaction.atomic
def apply(
    *, user: User, auction_id: int, statement: str = "", ip: str | None = None
) -> Registration:
    """A market entity applies to bid (提交竞买申请)."""
    auction = lock_auction(auction_id)
    entity = entity_of(user)
    if entity is None or entity.status != EntityStatus.APPROVED:
        raise Forbidden(
            "只有审核通过的市场主体可以申请竞买",
            "only approved market entities may apply",
            code="not_approved_entity",
        )
    if entity.pk == auction.transferor_id:
        raise RuleViolation(
            "出让人/转让方不能参加本项目竞买",
            "the transferor may not bid in its own sale",
            code="transferor_cannot_bid",
        )
    _open_for_applications(auction)
    if Registration.objects.filter(auction=auction, entity=entity).exists():
        raise Conflict("已提交过竞买申请", "already applied", code="already_applied")
    registration = Registration.objects.create(
        auction=auction,
        entity=entity,
        applied_by=user,
        applied_at=clock.now(),
        statement=clean_text(
            statement,
            field="statement",
            max_length=2000,
            required=False,
            multiline=True,
            label_zh="申请说明",
            label_en="statement",
        ),
    )
    ref = applicant_ref(auction, entity)
    record(
        events.AUCTION_APPLIED,
        subject=f"auction:{auction.code}",
        payload={"applicant": ref},
        actor=f"applicant:{ref}",
        ip=ip,
    )
    return registration


def _lock_registration(registration_id: int) -> Registration:
    found = Registration.objects.filter(pk=registration_id).values_list("auction_id", flat=True)
    auction_id = found.first()
    if auction_id is None:
        raise NotFound("竞买申请不存在", "no such application", code="registration_not_found")
    lock_auction(auction_id)
    return Registration.objects.select_related("auction", "entity").get(pk=registration_id)


def _qualify_if_ready(registration: Registration, user: User, ip: str | None) -> None:
    ready = (
        registration.status == Registration.Status.ACCEPTED
        and registration.deposit_status == Registration.DepositStatus.HELD
    )
    if not ready:
        return
    taken = set(
        Registration.objects.filter(auction=registration.auction).values_list(
            "bidder_no", flat=True
        )
    )
    number = ""
    while not number or number in taken:
        number = f"{100000 + secrets.randbelow(900000)}"
    registration.status = Registration.Status.QUALIFIED
    registration.bidder_no = number
    registration.save(update_fields=["status", "bidder_no"])
    record(
        events.AUCTION_QUALIFIED,
        subject=f"auction:{registration.auction.code}",
        payload={
            "applicant": applicant_ref(registration.auction, registration.entity),
            "bidder_no": number,
        },
        actor=user.actor,
        ip=ip,
    )


@transaction.atomic
def review(
    *,
    user: User,
    registration_id: int,
    accept: bool,
    note: str = "",
    pre_emption: bool = False,
    weight: object = None,
    ip: str | None = None,
) -> Registration:
    """The centre reviews an application (资格审查), and records a pre-emption right
    (优先购买权, e.g. an existing shareholder's) where the trade type has one."""
    require_staff(user)
    registration = _lock_registration(registration_id)
    _open_for_applications(registration.auction)
    if registration.status != Registration.Status.APPLIED:
        raise Conflict("该申请已审查", "the application was already reviewed", code="reviewed")
    note = clean_text(
        note,
        field="note",
        max_length=500,
        required=not accept,
        label_zh="审查意见（不通过时须写明理由）",
        label_en="review note (a rejection needs a reason)",
    )
    registration.status = Registration.Status.ACCEPTED if accept else Registration.Status.REJECTED
    if pre_emption and not (accept and registration.auction.trade.pre_emption):
        raise InvalidInput(
            "本交易品种不设优先购买权，或申请未通过",
            "this trade type has no pre-emption right, or the application was rejected",
            code="no_pre_emption",
            field="pre_emption",
        )
    registration.review_note = note
    registration.reviewed_at = clock.now()
    registration.pre_emption = pre_emption
    registration.weight = _weight(registration.auction, weight)
    registration.save(
        update_fields=["status", "review_note", "reviewed_at", "pre_emption", "weight"]
    )
    record(
        events.AUCTION_REVIEWED,
        subject=f"auction:{registration.auction.code}",
        payload={
            "applicant": applicant_ref(registration.auction, registration.entity),
            "accepted": accept,
            "pre_emption": pre_emption,
            "weight": str(registration.weight),
        },
        actor=user.actor,
        ip=ip,
    )
    _qualify_if_ready(registration, user, ip)
    return registration


WEIGHT_RANGE = (Decimal("0.5"), Decimal("2"))


def _weight(auction: Auction, value: object) -> Decimal:
    """The bidder's weight for weighted bidding (权重报价), set by the centre at review."""
    if value is None or value == "":
        return Decimal(1)
    low, high = WEIGHT_RANGE
    try:
        weight = Decimal(str(value))
    except (InvalidOperation, ValueError):
        weight = Decimal(0)
    in_range = weight.is_finite() and low <= weight <= high
    if not (auction.weighted and in_range and weight == weight.quantize(Decimal("0.001"))):
        raise InvalidInput(
            f"权重系数须在 {low}–{high} 之间、至多三位小数，且仅用于权重报价项目",
            f"a weight is {low} to {high} with at most three decimals, for weighted bidding only",
            code="bad_weight",
            field="weight",
        )
    return weight


@transaction.atomic
def confirm_deposit(
    *,
    user: User,
    registration_id: int,
    kind: str,
    amount: object,
    reference: str,
    ip: str | None = None,
) -> Registration:
    """The centre confirms the deposit arrived (bank transfer) or was lodged (guarantee)."""
    require_staff(user)
    registration = _lock_registration(registration_id)
    auction = registration.auction
    if registration.status == Registration.Status.REJECTED:
        raise Conflict("该申请未通过审查", "the application was rejected", code="rejected")
    if registration.deposit_status:
        raise Conflict("保证金已确认", "the deposit was already confirmed", code="deposit_held")
    _open_for_applications(auction)
    if kind not in Registration.DepositKind.values:
        raise InvalidInput(
            "保证金形式须为银行转账或电子保函",
            "the deposit is a bank transfer or an electronic guarantee",
            code="invalid_choice",
            field="kind",
        )
    value = positive_fen(amount, "amount", "保证金")
    if value < auction.deposit:
        raise RuleViolation(
            f"保证金不足：应缴 {format_cny(from_fen(auction.deposit))}",
            f"the deposit is short: {from_fen(auction.deposit)} yuan is due",
            code="deposit_short",
            field="amount",
        )
    reference = clean_text(
        reference,
        field="reference",
        max_length=64,
        label_zh="银行流水号/保函编号",
        label_en="bank reference or guarantee number",
    )
    if Registration.objects.filter(auction=auction, deposit_reference=reference).exists():
        raise Conflict(
            "该流水号/保函编号已登记过", "this reference was already used", code="reference_used"
        )
    registration.deposit_kind = kind
    registration.deposit_amount = value
    registration.deposit_reference = reference
    registration.deposit_confirmed_at = clock.now()
    registration.deposit_status = Registration.DepositStatus.HELD
    registration.save(
        update_fields=[
            "deposit_kind",
            "deposit_amount",
            "deposit_reference",
            "deposit_confirmed_at",
            "deposit_status",
        ]
    )
    record(
        events.AUCTION_DEPOSIT_CONFIRMED,
        subject=f"auction:{auction.code}",
        payload={
            "applicant": applicant_ref(auction, registration.entity),
            "kind": kind,
            "amount": value,
        },
        actor=user.actor,
        ip=ip,
    )
    _qualify_if_ready(registration, user, ip)
    return registration
