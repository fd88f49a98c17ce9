"""Ledger event kinds recorded by catalogue (交易目录台账事件): each a named constant
with what it witnesses. ``docs/events.md`` lists every app's; other apps react to them
through ``core.events``."""

CATALOGUE_CATEGORY_ADDED = "catalogue.category_added"
"""Create or change a trade category (from the admin); categories are not versioned. Recorded by
``services.save_category``."""

CATALOGUE_CATEGORY_CHANGED = "catalogue.category_changed"
"""Create or change a trade category (from the admin); categories are not versioned. Recorded by
``services.save_category``."""

CATALOGUE_DRAFT_CREATED = "catalogue.draft_created"
"""A new draft holding a copy of ``based_on``'s items (default: the latest published). Recorded
by ``services.create_draft``."""

CATALOGUE_DRAFT_DISCARDED = "catalogue.draft_discarded"
"""Delete a draft that will not be published. Recorded by ``services.discard_draft``."""

CATALOGUE_FILE_LOADED = "catalogue.file_loaded"
"""Load a catalogue data file idempotently (``ggzy demo`` loads ``datafile.HUNAN_2019``).
Recorded by ``services.load_catalogue_file``."""

CATALOGUE_ITEM_ADDED = "catalogue.item_added"
"""Add or replace item ``code`` of a draft; return the item and whether it is new. Recorded by
``services.upsert_item``."""

CATALOGUE_ITEM_CHANGED = "catalogue.item_changed"
"""Add or replace item ``code`` of a draft; return the item and whether it is new. Recorded by
``services.upsert_item``."""

CATALOGUE_ITEM_REMOVED = "catalogue.item_removed"
"""An item was removed from a draft catalogue. Recorded by ``services.remove_item``."""

CATALOGUE_PUBLISHED = "catalogue.published"
"""Publish a draft from ``effective_from`` (today or later, after the current version). Recorded
by ``services.publish``."""
