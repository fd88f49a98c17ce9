from datetime import timedelta

from ggzy.core import outbox
from ggzy.core.scheduler import periodic
from ggzy.core.services import write_checkpoints


@periodic("ledger.checkpoint", every=timedelta(minutes=10))
def close_ledger_days() -> str:
    written = write_checkpoints()
    return ", ".join(str(c.day) for c in written)


@periodic("outbox.deliver", every=timedelta(seconds=1))
def deliver_outbox() -> str:
    """Every tick: deliver the outbox messages that are due (new ones whose delivery at commit
    did not happen or failed, and failed ones whose pause is over)."""
    delivered, failed = outbox.deliver_due()
    parts = [f"{delivered} delivered" if delivered else "", f"{failed} failed" if failed else ""]
    return ", ".join(p for p in parts if p)
