"""The release's bids, awards and contracts (with their implementation and payments)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from ggzy.awards.models import Award, Contract, Performance
from ggzy.kernel.errors import DomainError
from ggzy.kernel.money import yuan
from ggzy.tendering.models import Bid, Notice

from .identifiers import entity_ref
from .snapshot import Seen
from .tender import lot_code, notice_attachments, notice_document, notice_url
from .values import day_start, instant, money

_DURATION_DAYS = re.compile(r"^\s*(\d{1,5})\s*(?:个)?(?:日历天|日历日|天|日)\s*$")


def bid_details(seen: Seen) -> list[dict[str, Any]]:
    details = []
    for lot in seen.trade.lots:
        if not seen.has(Notice.Kind.OPENING_RECORD, lot):
            continue  # sealed, or never opened: nothing about the bids is public
        evaluated = seen.evaluation_public(lot)
        evaluation = seen.trade.evaluations.get(lot.pk)
        failed = bool(evaluation and evaluation.result and evaluation.result.get("failed"))
        for bid in seen.trade.bids[lot.pk]:
            detail: dict[str, Any] = {
                "id": f"bid-{bid.pk}",
                "date": instant(bid.received_at),
                "status": _bid_status(bid, evaluated, failed, seen.trade.rejected),
                "tenderers": [entity_ref(bid.entity)],
            }
            if (price := _price(bid)) is not None:
                detail["value"] = money(price)
            detail["relatedLots"] = [lot.code]
            details.append(detail)
    return details


def _bid_status(bid: Bid, evaluated: bool, failed: bool, rejected: set[int]) -> str:
    if bid.status != Bid.Status.DECRYPTED:
        return "withdrawn"  # not decrypted at the opening: deemed withdrawn or revoked (Art 31)
    if not evaluated:
        return "pending"
    return "disqualified" if failed or bid.pk in rejected else "valid"


def _price(bid: Bid) -> Decimal | None:
    """The price read out at the opening (唱标), when the price sheet has a valid one."""
    if bid.status != Bid.Status.DECRYPTED or not isinstance(bid.price_sheet, dict):
        return None
    try:
        return yuan(str(bid.price_sheet.get("price", "")))
    except DomainError:
        return None


def award_id(award: Award) -> str:
    return f"award-{award.pk}"


def award_object(seen: Seen, award: Award) -> dict[str, Any]:
    notice = award.result_notice
    return {
        "id": award_id(award),
        "title": notice.title,
        "status": "active",
        "date": instant(award.decided_at),
        "value": money(award.amount),
        "suppliers": [entity_ref(award.bid.entity)],
        "documents": [notice_document(seen, notice), *notice_attachments(seen, notice)],
        "relatedLots": [lot_code(seen.trade, award.lot_id)],
    }


def duration_days(text: str) -> int | None:
    """Days in a duration written as days (``365日历天``, ``30日``, ``90 天``); else None."""
    match = _DURATION_DAYS.match(text)
    return int(match[1]) if match else None


def contract_object(seen: Seen, contract: Contract) -> dict[str, Any]:
    award = seen.trade.awards[contract.lot_id]
    performances = seen.performance(contract.pk)
    completed = any(p.completed for p in performances)
    data: dict[str, Any] = {
        "id": f"contract-{contract.pk}",
        "awardID": award_id(award),
        "title": f"合同 {contract.number}",
        "description": f"合同编号 {contract.number}；履行期限 {contract.duration}",
        "status": "terminated" if completed else "active",
        "value": money(contract.amount),
        "dateSigned": day_start(contract.signed_on),
    }
    if (days := duration_days(contract.duration)) is not None:
        data["period"] = {"durationInDays": days}
    if contract.notice is not None:
        data["documents"] = [notice_document(seen, contract.notice)]
    if performances:
        data["implementation"] = _implementation(seen, contract, performances)
    return data


def contract_transactions(seen: Seen, contract: Contract) -> list[dict[str, Any]]:
    """Payments between reports: each rise of the cumulative amount paid (累计支付) is one
    transaction dated on its report. A fall (a correction) is no transaction; later rises
    count from the highest amount reported."""
    award = seen.trade.awards[contract.lot_id]
    transactions = []
    highest = Decimal("0.00")
    for performance in seen.performance(contract.pk):
        if performance.paid > highest:
            transactions.append(
                {
                    "id": f"payment-{performance.pk}",
                    "date": day_start(performance.reported_on),
                    "value": money(performance.paid - highest),
                    "payer": entity_ref(seen.trade.project.initiator),
                    "payee": entity_ref(award.bid.entity),
                    "uri": notice_url(seen.base_url, performance.notice_id),
                }
            )
            highest = performance.paid
    return transactions


def _implementation(
    seen: Seen, contract: Contract, performances: list[Performance]
) -> dict[str, Any]:
    milestones: list[dict[str, Any]] = [
        {
            "id": f"performance-{p.pk}",
            "title": f"履约情况报告（{p.reported_on:%Y-%m-%d}）",
            "type": "reporting",
            "status": "met",
            "dateMet": day_start(p.reported_on),
        }
        for p in performances
    ]
    done = next((p for p in performances if p.completed), None)
    if done is not None:
        milestones.append(
            {
                "id": f"completion-{contract.pk}",
                "title": "履约完毕",
                "type": "delivery",
                "status": "met",
                "dateMet": day_start(done.reported_on),
            }
        )
    implementation: dict[str, Any] = {}
    if transactions := contract_transactions(seen, contract):
        implementation["transactions"] = transactions
    implementation["milestones"] = milestones
    implementation["documents"] = [notice_document(seen, p.notice) for p in performances]
    return implementation
