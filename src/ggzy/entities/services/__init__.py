"""The only write path for market entities (市场主体). Every function is one business
action: keyword-only arguments, one transaction, one ledger entry.

- registration: ``register_entity``, ``submit_change``
- items: ``add_qualification``, ``add_staff_member``
- review: ``approve``, ``return_for_revision``
- certificates: ``issue_challenge``, ``bind_certificate``, ``revoke_certificate``,
  ``login_with_certificate``
"""

from .certificates import (
    bind_certificate,
    challenge_message,
    decode_signature,
    issue_challenge,
    login_with_certificate,
    revoke_certificate,
    trust_store,
)
from .items import add_qualification, add_staff_member
from .registration import Registration, register_entity, submit_change
from .review import approve, return_for_revision

__all__ = [
    "Registration",
    "add_qualification",
    "add_staff_member",
    "approve",
    "bind_certificate",
    "challenge_message",
    "decode_signature",
    "issue_challenge",
    "login_with_certificate",
    "register_entity",
    "return_for_revision",
    "revoke_certificate",
    "submit_change",
    "trust_store",
]
