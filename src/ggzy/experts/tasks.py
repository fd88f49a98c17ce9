"""Timed work of the expert pool: restore experts whose sanction period has ended, and
replace drawn experts who did not answer in time."""

from __future__ import annotations

from datetime import timedelta

from ggzy.core.scheduler import periodic

from .services.draw import expire_silent_invitations
from .services.pool import restore_expired_sanctions


@periodic("experts.restore_expired_sanctions", every=timedelta(hours=1))
def restore_expired() -> str:
    """Suspensions (and time-limited blacklistings) end after their last day; the expert
    becomes active again, witnessed by ``expert.restored``. Safe to run any number of times."""
    restored = restore_expired_sanctions()
    return f"{len(restored)} experts restored" if restored else ""


@periodic("experts.expire_silent_invitations", every=timedelta(minutes=1))
def replace_silent_experts() -> str:
    """A drawn expert who has not answered by the reply time counts as declined and is
    replaced by a supplementary draw under the same constraints."""
    expired = expire_silent_invitations()
    return f"{expired} silent experts replaced" if expired else ""
