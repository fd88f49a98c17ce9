from datetime import timedelta

from ggzy.core.scheduler import periodic
from ggzy.core.services import write_checkpoints


@periodic("ledger.checkpoint", every=timedelta(minutes=10))
def close_ledger_days() -> str:
    written = write_checkpoints()
    return ", ".join(str(c.day) for c in written)
