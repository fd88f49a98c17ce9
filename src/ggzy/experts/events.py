"""Ledger event kinds recorded by experts (专家库台账事件): each a named constant
with what it witnesses. ``docs/events.md`` lists every app's; other apps react to them
through ``core.events``."""

EXPERT_ACCOUNT_CREATED = "expert.account_created"
"""An account was made for an expert to answer draws and sign reports. Recorded by
``services.pool.profiles._record_account``."""

EXPERT_APPRAISED = "expert.appraised"
"""The centre's or the initiator's appraisal of one expert on one project. Recorded by
``services.appraisal.appraise``."""

EXPERT_BANK_BATCH_EXPORTED = "expert.bank_batch_exported"
"""The bank-transfer batch (CSV, UTF-8 with BOM) for one draw request or a period of opening
dates: payee, bank, account, amount, memo. Recorded by
``services.appraisal.export_bank_batch``."""

EXPERT_BLACKLISTED = "expert.blacklisted"
"""An expert is blacklisted (列入黑名单). Recorded by
``services.pool.availability.sanction``."""

EXPERT_CHANGE_APPROVED = "expert.change_approved"
"""Centre staff approved an expert's change to employer, title or specialties. Recorded by
``services.pool.profiles.approve_profile_change``."""

EXPERT_CHANGE_RETURNED = "expert.change_returned"
"""Centre staff returned an expert's change with a reason. Recorded by
``services.pool.profiles.return_profile_change``."""

EXPERT_CHANGE_SUBMITTED = "expert.change_submitted"
"""An expert's own update: contact, education, bank account and declared conflicts apply at
once; employer, title and specialties become a change for centre review. Recorded by
``services.pool.profiles.update_own_profile``."""

EXPERT_CONFIRMED = "expert.confirmed"
"""The expert confirms or declines; a decline brings a supplementary draw at once. Recorded by
``services.draw.replies.respond``."""

EXPERT_CREATED = "expert.created"
"""An expert was added to the pool (by form or import). Recorded by
``services.pool.excel.import_experts``."""

EXPERT_DECLINED = "expert.declined"
"""The expert confirms or declines; a decline brings a supplementary draw at once. Recorded by
``services.draw.replies.respond``."""

EXPERT_DRAW_ABANDONED = "expert.draw_abandoned"
"""A draw attempt was abandoned (a randomness party failed); a new attempt starts afresh.
Recorded by ``services.draw.attempts._abandon``."""

EXPERT_DRAW_REQUESTED = "expert.draw_requested"
"""Register a request for experts for one lot (抽取申请). Recorded by
``services.draw.requests.create_request``."""

EXPERT_DRAW_REVEALED = "expert.draw_revealed"
"""Once the result is public, publish every attempt's secrets and seed in the ledger, so anyone
can re-run the draw (not earlier: with them the sealed list could be recomputed). Recorded by
``services.draw.randomness.publish_reveals``."""

EXPERT_DRAW_STARTED = "expert.draw_started"
"""A draw attempt started: the candidates were screened and their snapshot's digest committed
before any randomness is known. Recorded by ``services.draw.attempts._start``."""

EXPERT_DRAWN = "expert.drawn"
"""The experts were drawn: the seed and the sealed list of who was drawn. Recorded by
``services.draw.attempts._finish``."""

EXPERT_IMPORTED = "expert.imported"
"""A batch of experts was imported from Excel. Recorded by
``services.pool.excel.import_experts``."""

EXPERT_LEAVE_ADDED = "expert.leave_added"
"""A period the expert cannot serve; it must not overlap another and end ≥ start. Recorded by
``services.pool.availability.add_leave``."""

EXPERT_LEAVE_CANCELLED = "expert.leave_cancelled"
"""An expert's declared leave was cancelled. Recorded by
``services.pool.availability.cancel_leave``."""

EXPERT_PROFILE_UPDATED = "expert.profile_updated"
"""An expert's own update: contact, education, bank account and declared conflicts apply at
once; employer, title and specialties become a change for centre review. Recorded by
``services.pool.profiles.update_own_profile``."""

EXPERT_RANDOMNESS_PARTY = "expert.randomness_party"
"""Record a party's anchor (its commitment) in the ledger before any of its secrets is used.
Recorded by ``services.draw.randomness.register_party``."""

EXPERT_REMUNERATION_RECORDED = "expert.remuneration_recorded"
"""Pay for one evaluation: hours and an exact amount in yuan (strings or Decimals). Recorded by
``services.appraisal.record_remuneration``."""

EXPERT_REPLY_EXPIRED = "expert.reply_expired"
"""Invitations past their reply time count as declined and are replaced (task). Recorded by
``services.draw.replies.expire_silent_invitations``."""

EXPERT_RESTORED = "expert.restored"
"""An expert's suspension ended or a sanction was lifted: the expert may be drawn again.
Recorded by ``services.pool.availability._restore``."""

EXPERT_SPECIALTIES_IMPORTED = "expert.specialties_imported"
"""Add or update classification codes from Excel (columns 专业代码, 专业名称, 启用); all rows or
none. Recorded by ``services.pool.classification.import_specialties``."""

EXPERT_SPECIALTIES_LOADED = "expert.specialties_loaded"
"""Load the classification from the JSON data file; running it twice changes nothing. Recorded
by ``services.pool.classification.load_specialties``."""

EXPERT_SUSPENDED = "expert.suspended"
"""An expert is suspended from draws until a date (暂停). Recorded by
``services.pool.availability.sanction``."""

EXPERT_UPDATED = "expert.updated"
"""Centre staff correct any profile field (status changes go through sanctions). Recorded by
``services.pool.profiles.update_expert``."""
