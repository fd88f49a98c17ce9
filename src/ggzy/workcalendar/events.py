"""Ledger event kinds recorded by workcalendar (工作日历台账事件): each a named constant
with what it witnesses. ``docs/events.md`` lists every app's; other apps react to them
through ``core.events``."""

CALENDAR_IMPORTED = "calendar.imported"
"""Make ``schedule`` the official calendar of its year, witnessed in the ledger. Recorded by
``imports.import_schedule``."""
