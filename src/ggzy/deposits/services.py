"""The only write path for deposits: record, import, refund due, refunded.

Every function runs in one transaction, checks the rules and witnesses each change in the
ledger. Payloads carry identifiers and amounts, never account numbers.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import IO

from django.db import IntegrityError, transaction

from ggzy.accounts.models import User
from ggzy.accounts.selectors import is_centre_staff
from ggzy.core.services import record
from ggzy.deposits import events
from ggzy.entities.models import MarketEntity
from ggzy.entities.selectors import entity_of
from ggzy.kernel import clock, rules
from ggzy.kernel.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from ggzy.kernel.money import Amount, yuan
from ggzy.tendering.models import Lot
from ggzy.workcalendar.services import load_calendar

from . import selectors
from .models import Deposit, Kind, RefundReason, Status
from .periods import REFUND_RULES
from .statement import Line, RowError, StatementReport, read

# --- checks --------------------------------------------------------------------------------


def _require_staff(user: User) -> None:
    if not is_centre_staff(user):
        raise Forbidden(
            "只有交易中心工作人员才能办理保证金",
            "only trading-centre staff may handle deposits",
        )


def _positive(amount: Amount) -> Decimal:
    value = yuan(amount, field="amount")
    if value <= 0:
        raise InvalidInput(
            f"保证金金额{value}应大于零",
            f"the deposit amount {value} must be above zero",
            field="amount",
        )
    return value


def _required(text: str, field: str, label: str) -> str:
    value = text.strip()
    if not value:
        raise InvalidInput(f"请填写{label}", f"{field} is required", field=field, code="required")
    return value


def _open_lot(user: User, lot_id: int) -> Lot:
    """The lot, locked, if the user may see it and it still takes deposits."""
    selectors.get_lot(user, lot_id)
    lot = Lot.objects.select_related("project").select_for_update(of=("self",)).get(pk=lot_id)
    if lot.status in (Lot.Status.FAILED, Lot.Status.TERMINATED):
        raise Conflict(
            f"标段/包 {lot.code} 已{lot.get_status_display()}，不再收取保证金",
            f"lot {lot.code} has {lot.status}; it takes no more deposits",
            field="lot",
        )
    if lot.project.bid_deadline is None:
        raise Conflict(
            f"标段/包 {lot.code} 尚未发布招标/采购公告，没有投标截止时间",
            f"lot {lot.code} has no tender notice yet, so no bid deadline",
            field="lot",
        )
    return lot


def _deadline(lot: Lot) -> datetime:
    deadline = lot.project.bid_deadline
    assert deadline is not None  # _open_lot refused lots without one
    return deadline


def _check_in_time(lot: Lot, at: datetime, field: str) -> None:
    deadline = _deadline(lot)
    if rules.int_value("deposits.before_bid_deadline") and at > deadline:
        local = deadline.astimezone(clock.SHANGHAI).strftime("%Y-%m-%d %H:%M")
        raise rules.violation(
            "deposits.before_bid_deadline",
            f"保证金须在投标截止时间（{local}）前到账或提交",
            f"the deposit must arrive or be lodged before the bid deadline ({local})",
            field=field,
        )


def _check_paid_at(lot: Lot, paid_at: datetime) -> None:
    if paid_at > clock.now():
        raise InvalidInput(
            "到账时间晚于当前时间", "the payment time is in the future", field="paid_at"
        )
    _check_in_time(lot, paid_at, "paid_at")


def _check_basic_account(entity: MarketEntity, account: str) -> None:
    basic = "".join(entity.bank_account.split())
    if rules.int_value("deposits.transfer_from_basic_account") and account != basic:
        raise rules.violation(
            "deposits.transfer_from_basic_account",
            f"付款账号不是{entity.name}登记的基本存款账户"
            + ("" if basic else "（该主体未登记基本存款账户）"),
            f"the paying account is not the basic deposit account {entity.name} registered"
            + ("" if basic else " (it has registered none)"),
            field="payer_account",
        )


def _entity(entity_id: int) -> MarketEntity:
    entity = MarketEntity.objects.filter(pk=entity_id).first()
    if entity is None:
        raise NotFound(
            f"市场主体 {entity_id} 不存在", f"no market entity {entity_id}", field="entity"
        )
    return entity


def _duplicate_reference(reference: str) -> Conflict:
    return Conflict(
        f"银行流水号{reference}已登记在本标段/包",
        f"the bank reference {reference} is already recorded for this lot",
        field="bank_reference",
        code="duplicate_reference",
    )


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=clock.SHANGHAI)


# --- writes -------------------------------------------------------------------------------


def _save(deposit: Deposit, *, user: User, ip: str | None, source: str, **extra: str) -> Deposit:
    """Insert the deposit and witness it. The unique constraints back up the checks made
    before, for two requests racing on different lots."""
    try:
        with transaction.atomic():
            deposit.save()
    except IntegrityError:
        raise Conflict(
            "该保证金已登记（流水号或保函编号重复）",
            "this deposit is already recorded (duplicate reference or guarantee number)",
            code="duplicate_deposit",
        ) from None
    record(
        events.DEPOSIT_RECORDED,
        subject=f"deposit:{deposit.pk}",
        actor=user.actor,
        ip=ip,
        payload={
            "deposit_id": deposit.pk,
            "lot": deposit.lot.code,
            "entity_id": deposit.entity_id,
            "kind": deposit.kind,
            "amount": str(deposit.amount),
            "source": source,
            **extra,
        },
    )
    return deposit


def _transfer(lot: Lot, entity: MarketEntity, line: Line, user: User) -> Deposit:
    return Deposit(
        lot=lot,
        entity=entity,
        kind=Kind.TRANSFER,
        amount=line.amount,
        payer_bank=line.payer_bank,
        payer_account=line.payer_account,
        paid_at=line.paid_at,
        bank_reference=line.reference,
        recorded_by=user,
        recorded_at=clock.now(),
    )


def record_transfer(
    *,
    user: User,
    lot_id: int,
    entity_id: int,
    amount: Amount,
    payer_bank: str,
    payer_account: str,
    paid_at: datetime,
    bank_reference: str,
    ip: str | None = None,
) -> Deposit:
    """A deposit received by bank transfer, entered by centre finance."""
    _require_staff(user)
    line = Line(
        row=0,
        paid_at=_aware(paid_at),
        payer_name="",
        payer_account="".join(_required(payer_account, "payer_account", "付款账号").split()),
        payer_bank=payer_bank.strip(),
        amount=_positive(amount),
        reference=_required(bank_reference, "bank_reference", "银行流水号"),
    )
    with transaction.atomic():
        lot = _open_lot(user, lot_id)
        entity = _entity(entity_id)
        _check_paid_at(lot, line.paid_at)
        _check_basic_account(entity, line.payer_account)
        if lot.deposits.filter(bank_reference=line.reference).exists():
            raise _duplicate_reference(line.reference)
        return _save(_transfer(lot, entity, line, user), user=user, ip=ip, source="entered")


def import_statement(
    *, user: User, lot_id: int, csv_file: IO[bytes], ip: str | None = None
) -> StatementReport:
    """Deposits for one lot from a bank statement CSV, all or nothing.

    Each line is matched to the entity whose basic account paid it. A line whose reference
    is already recorded for the lot is skipped and reported; any other bad line (unreadable,
    unknown or ambiguous account, late, repeated in the file) stops the whole import and the
    report lists each with its row number.
    """
    _require_staff(user)
    sha, lines, errors, count = read(csv_file)
    report = StatementReport(rows=count, file_sha256=sha, errors=errors)
    with transaction.atomic():
        lot = _open_lot(user, lot_id)
        known = set(
            lot.deposits.filter(bank_reference__in=[x.reference for x in lines]).values_list(
                "bank_reference", flat=True
            )
        )
        owners: dict[str, list[MarketEntity]] = {}
        for entity in MarketEntity.objects.filter(
            bank_account__in={x.payer_account for x in lines}
        ):
            owners.setdefault(entity.bank_account, []).append(entity)
        seen: dict[str, int] = {}
        matched: list[tuple[Line, MarketEntity]] = []
        for line in lines:
            if line.reference in known:
                report.skipped.append((line.row, line.reference))
                continue
            try:
                if line.reference in seen:
                    raise InvalidInput(
                        f"流水号与第{seen[line.reference]}行重复",
                        f"the reference repeats row {seen[line.reference]}",
                        field="reference",
                    )
                seen[line.reference] = line.row
                owner = _owner(owners.get(line.payer_account, []), line)
                _check_paid_at(lot, line.paid_at)
                matched.append((line, owner))
            except DomainError as exc:
                report.errors.append(RowError.of(line.row, exc))
        if not count:
            report.errors.append(RowError(2, None, "文件中没有数据行", "the file has no data rows"))
        report.errors.sort(key=lambda e: e.row)
        if not report.ok:
            return report
        for line, entity in matched:
            deposit = _save(
                _transfer(lot, entity, line, user),
                user=user,
                ip=ip,
                source="statement",
                file_sha256=sha,
            )
            report.created.append(deposit.pk)
    return report


def _owner(entities: list[MarketEntity], line: Line) -> MarketEntity:
    if len(entities) == 1:
        return entities[0]
    if not entities:
        raise InvalidInput(
            f"付款账号{line.payer_account}不是任何已登记市场主体的基本存款账户",
            f"the account {line.payer_account} is no registered entity's basic account",
            field="payer_account",
        )
    raise InvalidInput(
        f"付款账号{line.payer_account}登记在多个市场主体名下："
        + "、".join(e.name for e in entities),
        f"the account {line.payer_account} is registered to several entities",
        field="payer_account",
    )


def record_guarantee(
    *,
    user: User,
    lot_id: int,
    entity_id: int,
    guarantee_no: str,
    issuer: str,
    amount: Amount,
    valid_from: date,
    valid_until: date,
    ip: str | None = None,
) -> Deposit:
    """An electronic guarantee lodged by the bidder itself or entered by centre staff."""
    own = entity_of(user)
    if not (is_centre_staff(user) or (own is not None and own.pk == entity_id)):
        raise Forbidden(
            "只有投标人本身或交易中心工作人员才能登记保函",
            "only the bidder itself or centre staff may record a guarantee",
        )
    number = _required(guarantee_no, "guarantee_no", "保函编号")
    issuer = _required(issuer, "issuer", "出具机构")
    value = _positive(amount)
    if valid_until < valid_from:
        raise InvalidInput(
            "保函有效期的结束日期早于开始日期",
            "the guarantee's validity ends before it starts",
            field="valid_until",
        )
    with transaction.atomic():
        lot = _open_lot(user, lot_id)
        entity = _entity(entity_id)
        _check_in_time(lot, clock.now(), "lot")
        deadline = _deadline(lot).astimezone(clock.SHANGHAI).date()
        if rules.int_value("deposits.guarantee_covers_bid_deadline") and not (
            valid_from <= deadline <= valid_until
        ):
            raise rules.violation(
                "deposits.guarantee_covers_bid_deadline",
                f"保函有效期（{valid_from}至{valid_until}）未覆盖投标截止日{deadline}",
                f"the guarantee ({valid_from} to {valid_until}) is not valid on the bid "
                f"deadline {deadline}",
                field="valid_until" if valid_until < deadline else "valid_from",
            )
        if Deposit.objects.filter(guarantee_no=number).exists():
            raise Conflict(
                f"保函编号{number}已登记",
                f"the guarantee {number} is already recorded",
                field="guarantee_no",
                code="duplicate_guarantee",
            )
        deposit = Deposit(
            lot=lot,
            entity=entity,
            kind=Kind.GUARANTEE,
            amount=value,
            guarantee_no=number,
            issuer=issuer,
            valid_from=valid_from,
            valid_until=valid_until,
            recorded_by=user,
            recorded_at=clock.now(),
        )
        source = "entered" if is_centre_staff(user) else "bidder"
        return _save(deposit, user=user, ip=ip, source=source)


# --- refunds -----------------------------------------------------------------------------


def _due_on(sector: str, reason: RefundReason, day: date) -> tuple[date, str]:
    rule_id = REFUND_RULES.get((sector, reason))
    if rule_id is None:
        raise InvalidInput(
            "工程建设项目未中标人的保证金在书面合同签订后退还，请以“合同已签订”登记",
            "in works tendering the losers' deposits are refunded after the contract is "
            "signed: use after_contract",
            field="reason",
        )
    rule = rules.get(rule_id)
    days = rules.int_value(rule_id)
    if rule.unit == "working_days":
        return load_calendar().add_workdays(day, days), rule_id
    return load_calendar().add_days(day, days), rule_id


def refund_due(
    *, lot: Lot, entity: MarketEntity, reason: str, at: datetime | date
) -> list[Deposit]:
    """Mark the bidder's held deposits on ``lot`` as owed back, with their due date.

    ``at`` is when the refund period starts: the written withdrawal, the failure or
    termination, the award notice (``lost``, procurement) or the contract (``after_contract``).
    A bid revoked after the deadline (``revoked``: decryption failed through the bidder's
    fault) leaves the deposit forfeitable, with no due date (Reg. Art 35).
    Called by the tendering services inside their transaction.
    """
    try:
        cause = RefundReason(reason)
    except ValueError:
        raise InvalidInput(
            f"未知的退还原因“{reason}”", f"unknown refund reason '{reason}'", field="reason"
        ) from None
    day = at.astimezone(clock.SHANGHAI).date() if isinstance(at, datetime) else at
    with transaction.atomic():
        deposits = list(
            Deposit.objects.select_for_update().filter(lot=lot, entity=entity, status=Status.HELD)
        )
        if not deposits:
            return []
        due: date | None = None
        rule_id: str | None = None
        undated = ""
        if cause != RefundReason.REVOKED:
            try:
                due, rule_id = _due_on(lot.project.sector, cause, day)
            except DomainError as exc:
                if exc.code != "calendar_unknown_year":
                    raise
                # Never guess a date: the refund is owed, dated once the calendar has the year.
                undated = exc.message_zh
        for deposit in deposits:
            owed = due is not None or bool(undated)
            deposit.status = Status.REFUND_DUE if owed else Status.FORFEITABLE
            deposit.refund_reason = cause
            deposit.refund_from = day
            deposit.refund_due_on = due
            deposit.save(update_fields=["status", "refund_reason", "refund_from", "refund_due_on"])
            record(
                events.DEPOSIT_REFUND_DUE if owed else events.DEPOSIT_FORFEITABLE,
                subject=f"deposit:{deposit.pk}",
                payload={
                    "deposit_id": deposit.pk,
                    "lot": lot.code,
                    "entity_id": entity.pk,
                    "reason": cause.value,
                    "from": day.isoformat(),
                    "due_on": due.isoformat() if due else None,
                    "rule": rule_id,
                    "undated": undated or None,
                },
            )
    return deposits


def mark_refunded(*, user: User, deposit_id: int, reference: str, ip: str | None = None) -> Deposit:
    """Centre finance records the refund (or the guarantee's return) it has made."""
    _require_staff(user)
    reference = _required(reference, "reference", "退还凭证号")
    with transaction.atomic():
        deposit = (
            selectors.visible_to(user).select_for_update(of=("self",)).filter(pk=deposit_id).first()
        )
        if deposit is None:
            raise NotFound(
                f"保证金记录 {deposit_id} 不存在或无权查看",
                f"no deposit {deposit_id}, or you may not see it",
                field="deposit",
            )
        if deposit.status not in (Status.REFUND_DUE, Status.FORFEITABLE):
            raise Conflict(
                f"该保证金状态为“{deposit.get_status_display()}”，不能登记退还",
                f"the deposit is {deposit.status}; a refund cannot be recorded",
                field="deposit",
                code="deposit_state",
            )
        now = clock.now()
        late = deposit.refund_due_on is not None and clock.today() > deposit.refund_due_on
        deposit.status = Status.REFUNDED
        deposit.refunded_at = now
        deposit.refund_reference = reference
        deposit.save(update_fields=["status", "refunded_at", "refund_reference"])
        record(
            events.DEPOSIT_REFUNDED,
            subject=f"deposit:{deposit.pk}",
            actor=user.actor,
            ip=ip,
            payload={
                "deposit_id": deposit.pk,
                "amount": str(deposit.amount),
                "due_on": deposit.refund_due_on.isoformat() if deposit.refund_due_on else None,
                "late": late,
            },
        )
    return deposit
