"""Drawing experts (专家抽取): requests, draws, confirmations and supplementary draws.

- ``requests``: ``create_request`` (抽取申请), ``check_panel`` and the procedures' panel rules
- ``attempts``: ``draw`` and ``supplementary_draw`` — one attempt in three steps (start,
  collect the parties' secrets, draw), each on record
- ``selection``: seed, selection and result digest from an attempt's record, shared with
  the verification of a draw
- ``replies``: ``respond`` (confirm or decline) and ``expire_silent_invitations``
- ``randomness``: ``register_party`` before any draw, ``publish_reveals`` after the result
"""

from .attempts import draw, supplementary_draw
from .randomness import publish_reveals, register_party
from .replies import expire_silent_invitations, respond
from .requests import check_panel, create_request
from .selection import compute, result_digest, result_of, seal_aad

__all__ = [
    "check_panel",
    "compute",
    "create_request",
    "draw",
    "expire_silent_invitations",
    "publish_reveals",
    "register_party",
    "respond",
    "result_digest",
    "result_of",
    "seal_aad",
    "supplementary_draw",
]
