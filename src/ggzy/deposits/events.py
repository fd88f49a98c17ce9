"""Ledger event kinds recorded by deposits (保证金台账事件): each a named constant
with what it witnesses. ``docs/events.md`` lists every app's; other apps react to them
through ``core.events``."""

DEPOSIT_FORFEITABLE = "deposit.forfeitable"
"""A bid revoked after the deadline through the bidder's fault: its deposit may be kept (Reg.
Art 35). Recorded by ``services.refund_due``."""

DEPOSIT_RECORDED = "deposit.recorded"
"""Insert the deposit and witness it. Recorded by ``services._save``."""

DEPOSIT_REFUND_DUE = "deposit.refund_due"
"""A bidder's held deposit is owed back, with its due date (Reg. Art 35). Recorded by
``services.refund_due``."""

DEPOSIT_REFUNDED = "deposit.refunded"
"""Centre finance records the refund (or the guarantee's return) it has made. Recorded by
``services.mark_refunded``."""
