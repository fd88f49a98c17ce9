"""The only write path of tendering: each function checks the rules and writes the ledger."""

from .bids import complete_upload, receive_chunk, start_upload, withdraw
from .closing import (
    answer_opening_objection,
    close_expired_openings,
    close_opening,
    raise_opening_objection,
)
from .documents import (
    amend,
    answer_objection,
    publish_tender_notice,
    raise_objection,
    record_download,
    upload_document,
)
from .opening import (
    open_due_lots,
    release_key,
    sign_in,
    start_opening,
    submit_escrow_share,
)
from .projects import add_lot, register_project, retender, terminate_project

__all__ = [
    "add_lot",
    "amend",
    "answer_objection",
    "answer_opening_objection",
    "close_expired_openings",
    "close_opening",
    "complete_upload",
    "open_due_lots",
    "publish_tender_notice",
    "raise_objection",
    "raise_opening_objection",
    "receive_chunk",
    "record_download",
    "register_project",
    "release_key",
    "retender",
    "sign_in",
    "start_opening",
    "start_upload",
    "submit_escrow_share",
    "terminate_project",
    "upload_document",
    "withdraw",
]
