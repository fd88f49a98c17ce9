"""Timed upkeep of the portal's search index."""

from __future__ import annotations

from datetime import timedelta

from ggzy.core.scheduler import periodic

from . import search


@periodic("disclosure.optimize_search", every=timedelta(days=1))
def optimize_search() -> str:
    """Merge the day's search-index segments (SQLite FTS5); results are the same without it,
    only slower after many writes."""
    search.optimize()
    return ""
