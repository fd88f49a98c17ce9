"""Keeping the index: a publication is indexed when it is published; rebuild and compact."""

from __future__ import annotations

from collections.abc import Iterable

from ..models import Publication
from .backends import backend
from .interface import Document


def index(publication: Publication) -> None:
    """Add ``publication`` to the search index (in the caller's transaction)."""
    index_many([publication])


def index_many(publications: Iterable[Publication]) -> None:
    """Index many publications at once (bulk loads)."""
    documents = [Document.of(p) for p in publications]
    if documents:
        backend().index(documents)


def rebuild(batch: int = 1000) -> int:
    """Index every publication again (after the dictionary changed); returns the count."""
    engine = backend()
    engine.clear()
    count, last = 0, 0
    while chunk := list(
        Publication.objects.filter(pk__gt=last).defer("body").order_by("pk")[:batch]
    ):
        engine.index([Document.of(p) for p in chunk])
        count, last = count + len(chunk), chunk[-1].pk
    return count


def optimize() -> None:
    """Compact the index: on SQLite, merge FTS5's segments into one. Worth running daily
    and after a bulk load; an index of many segments makes filtered searches slower."""
    backend().optimize()
