"""Ledger event kinds recorded by tendering (招标投标台账事件): each a named constant
with what it witnesses. ``docs/events.md`` lists every app's; other apps react to them
through ``core.events``."""

BID_DECRYPTED = "bid.decrypted"
"""A bid was decrypted at the opening and its price sheet read out. Recorded by
``services.opening._decrypt``."""

BID_DECRYPTION_FAILED = "bid.decryption_failed"
"""A bid could not be decrypted at the opening; ``treated_as`` says whose fault (Reg. Art
31)."""

BID_ESCROW_SHARE = "bid.escrow_share"
"""A keyholder's share for a bid whose bidder lost the key; k shares open it (密钥恢复).
Recorded by ``services.opening.submit_escrow_share``."""

BID_KEY_REJECTED = "bid.key_rejected"
"""A key the bidder released does not open its bid. Recorded by
``services.opening.release_key``."""

BID_RECEIVED = "bid.received"
"""The receipt of a verified, stored container: the bid, the ledger entry, the signed receipt;
the bid it replaces. Recorded by ``services.bids._record_bid``."""

BID_WITHDRAWN = "bid.withdrawn"
"""A bidder withdrew its bid before the deadline (撤回, Reg. Art 35)."""

DOCUMENT_DOWNLOADED = "document.downloaded"
"""A bidder obtains the documents; every download is on record (per bidder). Recorded by
``services.documents.record_download``."""

DOCUMENT_UPLOADED = "document.uploaded"
"""Store a new version of the documents (not yet issued). Recorded by
``services.documents.upload_document``."""

LOT_CREATED = "lot.created"
"""A lot (标段/包) was added to a registered project. Recorded by
``services.projects._create_lot``."""

LOT_FAILED = "lot.failed"
"""Fewer bids than the law's minimum at the deadline: no opening, the lot fails (流标)."""

LOT_TERMINATED = "lot.terminated"
"""The initiator terminated the tender before the opening (终止招标, Reg. Art 31)."""

OBJECTION_ANSWERED = "objection.answered"
"""The initiator answered an objection to the tender documents; the procedure resumes. Recorded
by ``services.documents.answer_objection``."""

OBJECTION_RAISED = "objection.raised"
"""An objection to the documents (异议): suspends the procedure until answered. Recorded by
``services.documents.raise_objection``."""

OPENING_OBJECTION = "opening.objection"
"""An objection at the opening (Reg. Art 44): the host answers it on the spot. Recorded by
``services.closing.raise_opening_objection``."""

OPENING_OBJECTION_ANSWERED = "opening.objection_answered"
"""The host answered an objection raised at the opening. Recorded by
``services.closing.answer_opening_objection``."""

OPENING_RECORD = "opening.record"
"""End the opening: bids still sealed fail (Art 31), the record is signed and published.
Recorded by ``services.closing.close_opening``."""

OPENING_SIGNED_IN = "opening.signed_in"
"""A bidder signed in to the online opening hall (签到). Recorded by
``services.opening.sign_in``."""

OPENING_STARTED = "opening.started"
"""At the deadline: fewer bids than the minimum → no opening (re-tender); else the hall opens
and the decryption window starts. Recorded by ``services.opening.start_opening``."""

PROJECT_REGISTERED = "project.registered"
"""Register a project (进场登记) with its lots; the must-tender check decides the basis.
Recorded by ``services.projects.register_project``."""

PROJECT_RETENDERED = "project.retendered"
"""The re-tender path (重新招标, Law Art 28; Reg. Art 44): a new registration copying the failed
one, with fresh lots; the failed project stays on record, linked. Recorded by
``services.projects.retender``."""

PROJECT_SPLIT_WARNING = "project.split_warning"
"""A project registered just under a threshold next to a similar one: a possible split to avoid
tendering (化整为零) is flagged for supervisors. Recorded by
``services.projects.register_project``."""
