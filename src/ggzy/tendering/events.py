"""Ledger event kinds recorded by tendering (招标投标台账事件) that other apps react to
(``core.events``); docs/events.md lists every kind with its meaning."""

LOT_FAILED = "lot.failed"
"""Fewer bids than the law's minimum at the deadline: no opening, the lot fails (流标)."""

LOT_TERMINATED = "lot.terminated"
"""The initiator terminated the tender before the opening (终止招标, Reg. Art 31)."""

BID_WITHDRAWN = "bid.withdrawn"
"""A bidder withdrew its bid before the deadline (撤回, Reg. Art 35)."""

BID_DECRYPTION_FAILED = "bid.decryption_failed"
"""A bid could not be decrypted at the opening; ``treated_as`` says whose fault (Reg. Art 31)."""
