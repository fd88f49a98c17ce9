"""How deposits react to tendering's events (``core.events``): a lot that fails or is
terminated, a bid withdrawn or failed at the opening makes the bidders' held deposits owed
back (Reg. Art 31, 35), in the same transaction as the event."""

from __future__ import annotations

from ggzy.core import events
from ggzy.tendering import events as tendering
from ggzy.tendering import interfaces
from ggzy.tendering.models import Bid, Lot

from .selectors import for_lot
from .services import refund_due


def _whole_lot(reason: str) -> events.Handler:
    def react(event: events.Event) -> None:
        lot: Lot = event.objects["lot"]
        for entity in {d.entity for d in lot.deposits.select_related("entity")}:
            refund_due(lot=lot, entity=entity, reason=reason, at=event.objects["at"])

    return react


_lot_failed = _whole_lot("failed")
_lot_terminated = _whole_lot("terminated")


def _withdrawn(event: events.Event) -> None:
    bid: Bid = event.objects["bid"]
    refund_due(
        lot=bid.lot, entity=bid.entity, reason="withdrawn", at=bid.ended_at or event.entry.at
    )


def _failed_at_opening(event: events.Event) -> None:
    bid: Bid = event.objects["bid"]
    reason = event.objects["treated_as"]
    refund_due(lot=bid.lot, entity=bid.entity, reason=reason, at=event.entry.at)


def connect() -> None:
    events.subscribe(tendering.LOT_FAILED, _lot_failed)
    events.subscribe(tendering.LOT_TERMINATED, _lot_terminated)
    events.subscribe(tendering.BID_WITHDRAWN, _withdrawn)
    events.subscribe(tendering.BID_DECRYPTION_FAILED, _failed_at_opening)
    interfaces.answer_deposits_on_hand(for_lot)
