"""The contract (合同): signed within 30 days of the award notice (Law Art 46; GP Law Art
46), on the award's terms — an amount that differs needs a recorded reason — published
(GP: within 2 working days of signing, GP Reg. Art 50); deposits then fall due for refund
(Reg. Art 57; GP Reg. Art 33); performance information follows."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from ggzy.accounts.models import User
from ggzy.awards import events
from ggzy.core.services import record
from ggzy.deposits.models import RefundReason
from ggzy.deposits.services import refund_due
from ggzy.kernel import clock, rules
from ggzy.kernel.errors import Conflict, InvalidInput, NotFound
from ggzy.kernel.money import Amount, format_cny, yuan
from ggzy.kernel.text import clean_text
from ggzy.tendering.models import Bid, Lot, Notice
from ggzy.tendering.services.common import lock_lot, publish_notice, require_manager
from ggzy.workcalendar.periods import last_day

from ..models import Award, Contract, Performance
from .challenges import require_no_open_challenge
from .common import day_of, is_gp

LAW_46 = rules.LAW.art(46)


def _day(value: object, field: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput("日期格式应为 YYYY-MM-DD", "dates are YYYY-MM-DD", field=field) from None


def _contract_rule(lot: Lot) -> str:
    return "gp.contract_max_days" if is_gp(lot.project) else "works.contract_max_days"


def _check_amount(award: Award, amount: Decimal, reason: str) -> str:
    if amount == award.amount:
        return ""
    if not reason.strip():
        raise rules.violation(
            _contract_rule(award.lot),
            f"合同金额 {format_cny(amount)} 与中标/成交金额 {format_cny(award.amount)} 不一致，"
            "须写明理由；招标人和中标人不得再行订立背离合同实质性内容的其他协议",
            f"the contract amount {amount} differs from the award {award.amount}: record why; "
            "the contract may not depart from the substance of the award",
            field="amount_reason",
            code="amount_differs",
        )
    return clean_text(
        reason,
        field="amount_reason",
        max_length=2000,
        multiline=True,
        label_zh="理由",
        label_en="reason",
    )


def _contract_text(contract: Contract) -> str:
    lot = contract.lot
    award = contract.award
    return (
        f"{lot.project.name}{lot.name}（{lot.code}）合同已于 {contract.signed_on:%Y-%m-%d} 签订。"
        f"合同编号 {contract.number}；采购人/招标人 {lot.project.initiator.name}；"
        f"供应商/中标人 {award.bid.entity.name}；合同金额 {format_cny(contract.amount)}；"
        f"履行期限 {contract.duration}。"
        + (
            f"金额与中标金额不一致的理由：{contract.amount_reason}"
            if contract.amount_reason
            else ""
        )
    )


@transaction.atomic
def record_contract(
    *,
    user: User,
    lot_id: int,
    number: str,
    amount: Amount,
    signed_on: object,
    duration: str,
    amount_reason: str = "",
    ip: str | None = None,
) -> Contract:
    """Record and publish the signed contract; deposits fall due for refund."""
    lot = lock_lot(lot_id)
    require_manager(user, lot.project)
    award = Award.objects.filter(lot=lot).select_related("bid__entity", "lot__project").first()
    if award is None or lot.status != Lot.Status.AWARDED:
        raise Conflict(
            "定标并发出中标/成交通知书后方可登记合同",
            "record the contract after the award",
            code="not_awarded",
        )
    if is_gp(lot.project):
        require_no_open_challenge(lot.pk)
    signed = _day(signed_on, "signed_on")
    today = day_of(clock.now())
    if signed < day_of(award.decided_at) or signed > today:
        raise InvalidInput(
            f"签订日期须在定标日（{day_of(award.decided_at)}）与今天（{today}）之间",
            f"the signing date must lie between the award ({day_of(award.decided_at)}) and today",
            field="signed_on",
        )
    value = yuan(amount, field="amount")
    contract = Contract.objects.create(
        lot=lot,
        award=award,
        number=clean_text(
            number, field="number", max_length=64, label_zh="合同编号", label_en="number"
        ),
        amount=value,
        amount_reason=_check_amount(award, value, amount_reason),
        signed_on=signed,
        duration=clean_text(
            duration, field="duration", max_length=100, label_zh="履行期限", label_en="duration"
        ),
        recorded_by=user,
        recorded_at=clock.now(),
    )
    contract.notice = publish_notice(
        project=lot.project,
        lot=lot,
        kind=Notice.Kind.CONTRACT,
        title=f"{lot.project.name}{lot.name}合同公告",
        body=_contract_text(contract),
        user=user,
        ip=ip,
    )
    contract.save(update_fields=["notice"])
    for bid in lot.bids.filter(status=Bid.Status.DECRYPTED).select_related("entity"):
        refund_due(lot=lot, entity=bid.entity, reason=RefundReason.AFTER_CONTRACT, at=signed)
    lot.status = Lot.Status.CONTRACTED
    lot.save(update_fields=["status"])
    late_signing = signed > day_of(award.decided_at) + timedelta(
        days=rules.int_value(_contract_rule(lot))
    )
    published_by = (
        last_day("gp.contract_publication_max_working_days", signed) if is_gp(lot.project) else None
    )
    record(
        events.CONTRACT_RECORDED,
        subject=f"lot:{lot.code}",
        actor=user.actor,
        ip=ip,
        payload={
            "contract": contract.pk,
            "amount": str(value),
            "differs": bool(contract.amount_reason),
            "late_signing": late_signing,
            "late_publication": published_by is not None and today > published_by,
        },
    )
    return contract


@transaction.atomic
def record_performance(
    *,
    user: User,
    lot_id: int,
    reported_on: object,
    progress: str,
    paid: Amount,
    completed: bool = False,
    ip: str | None = None,
) -> Performance:
    """Performance information (履约信息), published as it is entered."""
    lot = lock_lot(lot_id)
    require_manager(user, lot.project)
    contract = Contract.objects.filter(lot=lot).first()
    if contract is None:
        raise NotFound("该标段/包尚无合同", "the lot has no contract", code="no_contract")
    day = _day(reported_on, "reported_on")
    if day < contract.signed_on or day > day_of(clock.now()):
        raise InvalidInput(
            "报告日期须在合同签订日与今天之间",
            "the report date must lie between the signing and today",
            field="reported_on",
        )
    amount = yuan(paid, field="paid")
    if amount < 0 or amount > contract.amount:
        raise InvalidInput(
            f"累计支付须在 0 与合同金额 {format_cny(contract.amount)} 之间",
            "the amount paid must lie between 0 and the contract amount",
            field="paid",
        )
    text = clean_text(
        progress,
        field="progress",
        max_length=5000,
        multiline=True,
        label_zh="履约情况",
        label_en="progress",
    )
    notice = publish_notice(
        project=lot.project,
        lot=lot,
        kind=Notice.Kind.PERFORMANCE,
        title=f"{lot.project.name}{lot.name}履约信息（{day:%Y-%m-%d}）",
        body=f"{text}\n累计支付 {format_cny(amount)}" + ("；履约完毕。" if completed else "。"),
        user=user,
        ip=ip,
    )
    performance = Performance.objects.create(
        contract=contract,
        reported_on=day,
        progress=text,
        paid=amount,
        completed=completed,
        recorded_by=user,
        notice=notice,
    )
    record(
        events.CONTRACT_PERFORMANCE,
        subject=f"lot:{lot.code}",
        actor=user.actor,
        ip=ip,
        payload={"contract": contract.pk, "paid": str(amount), "completed": completed},
    )
    return performance
