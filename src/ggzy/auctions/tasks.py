"""Timed transitions of auctions: a listing turns into timed bidding, a countdown ends."""

from __future__ import annotations

from datetime import timedelta

from ggzy.core.scheduler import periodic

from .services.bidding import advance_due
from .services.pre_emption import lapse_due


@periodic("auctions.advance_due", every=timedelta(seconds=1))
def advance_auctions() -> str:
    """Move on every auction whose period ran out; a bid at or after the deadline is refused
    by the engine whatever this job's timing, so the job only makes the close visible."""
    return advance_due()


@periodic("auctions.lapse_pre_emptions", every=timedelta(seconds=30))
def lapse_pre_emptions() -> str:
    """A pre-emption window that ran out leaves the sale to the winner by bidding."""
    count = lapse_due()
    return f"{count} pre-emption windows lapsed" if count else ""
