"""What searches take and give (filters, hits, pages), what a backend indexes and how it is
asked (``Document``, ``Criteria``, ``Position``), and the ``Backend`` protocol."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from django.utils.safestring import SafeString

from ..models import Publication
from .words import MAX_INDEX_CHARS, document_text, tokens

REGION_LEVELS = (2, 4, 6)  # province, city, county prefixes


@dataclass(frozen=True)
class Filters:
    """What a list or a search is narrowed to. ``region`` is a code prefix (2, 4 or 6
    digits: province, city, county); dates are inclusive local (China) dates."""

    category: str | None = None
    kind: str | None = None
    region: str | None = None
    centre: int | None = None
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True)
class Hit:
    """One result. ``title`` and ``snippet`` are HTML: escaped text and our own ``<mark>``
    around the words searched for; the snippet comes from the plain text, never the body."""

    publication: Publication
    title: SafeString
    snippet: SafeString


@dataclass(frozen=True)
class Page:
    items: list[Hit]
    next: str | None  # the key of the next page, None on the last one
    terms: tuple[str, ...] = ()  # the words searched for, after cleaning


@dataclass(frozen=True)
class Document:
    """What a backend indexes for one publication: space-separated words."""

    pk: int
    published_at: datetime
    title: str
    text: str
    facets: str  # the filterable values as words (see ``facet``)

    @classmethod
    def of(cls, publication: Publication) -> Document:
        heading = " ".join((publication.title, publication.trade_title, publication.trade_code))
        region = publication.region_id
        facets = [
            facet("c", publication.category),
            facet("k", publication.kind),
            *(facet("r", region[:n]) for n in REGION_LEVELS if n <= len(region)),
            facet("o", publication.centre_id),
        ]
        return cls(
            pk=publication.pk,
            published_at=publication.published_at,
            title=document_text(tokens(heading)),
            text=document_text(tokens(publication.text[:MAX_INDEX_CHARS])),
            facets=" ".join(dict.fromkeys(facets)),
        )


def facet(prefix: str, value: object) -> str:
    """A filter value as one word of the ``facets`` column: ``cworks``, ``r4301``, ``o17``."""
    return prefix + re.sub(r"[^0-9a-z]", "", str(value).lower())


@dataclass(frozen=True)
class Position:
    """Where a page ends: the last item's publication time and id."""

    published_at: datetime
    pk: int


@dataclass(frozen=True)
class Criteria:
    """Filters as SQL over ``p`` (the publication table), with the time range they imply.
    The region prefix is kept apart: it is a range, and a walk in time order may leave it
    out and filter afterwards (``listing``)."""

    clauses: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)
    start: datetime | None = None  # published at or after
    end: datetime | None = None  # published before
    facets: list[str] = field(default_factory=list)  # the same filters as facet words
    region: tuple[str, str] | None = None  # region_id between these

    def sql(self, *, region: bool = True) -> str:
        clauses = [*self.clauses]
        if region and self.region is not None:
            clauses.append("p.region_id BETWEEN %s AND %s")
        return "".join(f" AND {clause}" for clause in clauses)

    def values(self, *, region: bool = True) -> list[Any]:
        return [*self.params, *(self.region if region and self.region is not None else ())]


class Backend(Protocol):
    """A full-text index of publications."""

    def index(self, documents: Sequence[Document]) -> None:
        """Add or replace ``documents``."""

    def clear(self) -> None:
        """Forget every document (before a rebuild)."""

    def optimize(self) -> None:
        """Compact the index (a periodic job; searches stay correct without it)."""

    def search(
        self, words: Sequence[str], criteria: Criteria, after: Position | None, limit: int
    ) -> list[int]:
        """Ids of publications having every word and meeting ``criteria``, newest first,
        after ``after``; at most ``limit``."""
