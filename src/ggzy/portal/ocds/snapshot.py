"""What was public once the first notices of a trade were out: one snapshot per release."""

from __future__ import annotations

from ggzy.awards.models import Award, Contract, Performance
from ggzy.tendering.models import Lot, Notice

from .identifiers import ocid_of
from .trades import Trade


class Seen:
    """What was public once the first ``upto`` notices of a trade were out."""

    def __init__(self, trade: Trade, upto: int, base_url: str) -> None:
        self.trade = trade
        self.notices = trade.notices[:upto]
        self.ids = {n.pk for n in self.notices}
        self.base_url = base_url

    def has(self, kind: str, lot: Lot | None = None) -> bool:
        return any(n.kind == kind and (lot is None or n.lot_id == lot.pk) for n in self.notices)

    def shows(self, notice: Notice | None) -> bool:
        return notice is not None and notice.pk in self.ids

    def lot_status(self, lot: Lot) -> str:
        if self.has(Notice.Kind.TERMINATION):
            return "cancelled"
        if self.has(Notice.Kind.FAILURE, lot):
            return "unsuccessful"
        if self.shows(_award_notice(self.trade, lot)):
            return "complete"
        return "active"

    def evaluation_public(self, lot: Lot) -> bool:
        """Bid statuses follow the committee's result once it is published: the candidates
        (works), the result (procurement), or the failure after a reject-all."""
        if lot.pk not in self.trade.evaluations:
            return False
        return any(
            self.has(kind, lot)
            for kind in (Notice.Kind.CANDIDATES, Notice.Kind.RESULT, Notice.Kind.FAILURE)
        )

    def awarded(self) -> list[Award]:
        return [
            award
            for lot in self.trade.lots
            if (award := self.trade.awards.get(lot.pk)) and self.shows(award.result_notice)
        ]

    def contracted(self) -> list[Contract]:
        return [
            contract
            for lot in self.trade.lots
            if (contract := self.trade.contracts.get(lot.pk)) and self.shows(contract.notice)
        ]

    def performance(self, contract_id: int) -> list[Performance]:
        return [p for p in self.trade.performances.get(contract_id, []) if self.shows(p.notice)]


def _award_notice(trade: Trade, lot: Lot) -> Notice | None:
    award = trade.awards.get(lot.pk)
    return award.result_notice if award else None


def release_id(trade: Trade, notice: Notice) -> str:
    return f"{ocid_of(trade.project)}-{notice.kind}-{notice.pk}"
