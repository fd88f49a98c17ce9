"""Ledger event kinds recorded by entities (市场主体台账事件): each a named constant
with what it witnesses. ``docs/events.md`` lists every app's; other apps react to them
through ``core.events``."""

CERTIFICATE_BOUND = "certificate.bound"
"""A user bound a digital certificate to its account (绑定证书) after proving it holds the key.
Recorded by ``services.certificates._store_binding``."""

CERTIFICATE_REVOKED = "certificate.revoked"
"""Unbind a certificate (解绑): its holder, a user of its entity, or centre staff. Recorded by
``services.certificates.revoke_certificate``."""

ENTITY_APPROVED = "entity.approved"
"""Approve a pending revision: its data becomes the entity's live data (审核通过). Recorded by
``services.review.approve``."""

ENTITY_CHANGE_SUBMITTED = "entity.change_submitted"
"""Submit changed data as a new pending revision (变更申请). Recorded by
``services.registration.submit_change``."""

ENTITY_QUALIFICATION_ADDED = "entity.qualification_added"
"""Add a qualification with its scanned certificate (PDF/JPEG/PNG, size-limited). Recorded by
``services.items.add_qualification``."""

ENTITY_REGISTERED = "entity.registered"
"""Register an entity: the entity, its first pending revision and its first account. Recorded by
``services.registration.register_entity``."""

ENTITY_RETURNED = "entity.returned"
"""Return a pending revision with a reason (退回); the live data stays as it was. Recorded by
``services.review.return_for_revision``."""

ENTITY_STAFF_ADDED = "entity.staff_added"
"""Add a staff member (e.g. a registered constructor) to the entity's open revision. Recorded by
``services.items.add_staff_member``."""
