"""Ledger event kinds recorded by disclosure (信息公开台账事件): each a named constant
with what it witnesses. ``docs/events.md`` lists every app's; other apps react to them
through ``core.events``."""

DISCLOSURE_PUBLISHED = "disclosure.published"
"""Publish ``notice`` (or a correction of ``corrects``) and witness it in the ledger. Recorded
by ``services.publish``."""
