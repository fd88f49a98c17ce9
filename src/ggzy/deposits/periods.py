"""Refund periods (退还期限) of deposits: which rule sets each, the note a refund date counted on
the provisional calendar carries, and the published refund dates for the official schedule's
check (``workcalendar.published``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.urls import reverse

from ggzy.kernel import rules
from ggzy.tendering.models import Sector
from ggzy.workcalendar.periods import working_day_note
from ggzy.workcalendar.published import PublishedPeriod

from .models import Deposit, RefundReason, Status

# Which rule sets the refund period, by sector and reason. Withdrawal at the opening (a
# decryption failure not through the bidder's fault) counts as withdrawal (e-tender Art 31).
REFUND_RULES: dict[tuple[str, str], str] = {
    (Sector.CONSTRUCTION, RefundReason.WITHDRAWN): "works.deposit_refund_on_withdrawal_max_days",
    (Sector.CONSTRUCTION, RefundReason.WITHDRAWN_AT_OPENING): (
        "works.deposit_refund_on_withdrawal_max_days"
    ),
    (Sector.CONSTRUCTION, RefundReason.FAILED): "deposits.refund_on_termination_max_days",
    (Sector.CONSTRUCTION, RefundReason.TERMINATED): "deposits.refund_on_termination_max_days",
    (Sector.CONSTRUCTION, RefundReason.AFTER_CONTRACT): (
        "works.deposit_refund_after_contract_max_days"
    ),
    (Sector.PROCUREMENT, RefundReason.WITHDRAWN): (
        "gp.deposit_refund_on_withdrawal_max_working_days"
    ),
    (Sector.PROCUREMENT, RefundReason.WITHDRAWN_AT_OPENING): (
        "gp.deposit_refund_on_withdrawal_max_working_days"
    ),
    (Sector.PROCUREMENT, RefundReason.FAILED): (
        "gp.deposit_refund_on_termination_max_working_days"
    ),
    (Sector.PROCUREMENT, RefundReason.TERMINATED): (
        "gp.deposit_refund_on_termination_max_working_days"
    ),
    (Sector.PROCUREMENT, RefundReason.AFTER_CONTRACT): "gp.deposit_refund_max_working_days",
    (Sector.PROCUREMENT, RefundReason.LOST): "gp.deposit_refund_max_working_days",
}


def refund_rule(deposit: Deposit) -> str | None:
    return REFUND_RULES.get((deposit.lot.project.sector, deposit.refund_reason))


def refund_note(deposit: Deposit) -> dict[str, object] | None:
    note = working_day_note((refund_rule(deposit), deposit.refund_from, deposit.refund_due_on))
    return note.as_dict() if note else None


def published(year: int, today: date) -> Iterator[PublishedPeriod]:
    owed = Deposit.objects.filter(
        status=Status.REFUND_DUE,
        refund_due_on__gte=today,
        refund_from__isnull=False,
        refund_from__year__lte=year,
        refund_due_on__year__gte=year,
    ).select_related("lot__project", "entity")
    for deposit in owed.order_by("lot__code", "pk"):
        rule_id = refund_rule(deposit)
        if rule_id is None or rules.get(rule_id).unit != "working_days":
            continue
        assert deposit.refund_from is not None
        assert deposit.refund_due_on is not None
        yield PublishedPeriod(
            trade=deposit.lot.code,
            title=deposit.lot.project.name,
            what_zh=f"保证金最迟退还日（{deposit.entity.name}）",
            what_en=f"deposit refund due ({deposit.entity.name})",
            rule_id=rule_id,
            kind="deadline",
            start=deposit.refund_from,
            end=deposit.refund_due_on,
            link=reverse("deposits:lot", args=[deposit.lot_id]),
        )
