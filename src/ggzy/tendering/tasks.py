"""Timed transitions of tendering: the deadline opens the hall; the window's end closes it."""

from __future__ import annotations

from datetime import timedelta

from ggzy.core.scheduler import periodic

from .services import close_expired_openings, open_due_lots


@periodic("tendering.open_due_lots", every=timedelta(seconds=1))
def open_lots() -> str:
    """At the bid deadline each lot moves to its opening by itself (or fails: < 3 bids)."""
    count = open_due_lots()
    return f"{count} lots reached their deadline" if count else ""


@periodic("tendering.close_expired_openings", every=timedelta(seconds=5))
def close_openings() -> str:
    """When the decryption window ends, bids still sealed fail (Art 31) and the record is
    signed and published."""
    count = close_expired_openings()
    return f"{count} openings closed" if count else ""
