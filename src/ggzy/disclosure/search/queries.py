"""Searches and lists: filters as SQL, signed page keys, pages of hits with highlights."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core import signing
from django.db import connection
from django.utils.safestring import mark_safe

from ggzy.kernel.clock import SHANGHAI
from ggzy.kernel.errors import InvalidInput

from ..models import Category, Kind, Publication
from . import backends
from .backends import EPOCH, TABLE, adapt, backend, keyset_sql
from .highlight import mark, match_pattern, snippet
from .interface import REGION_LEVELS, Criteria, Filters, Hit, Page, Position, facet
from .words import terms

MAX_PAGE = 100
_BIGINT_LIMIT = 1 << 63
_LAST_DAY = date(2999, 12, 31)
_CURSOR_SALT = "ggzy.disclosure.search.after"
_CURSOR_MAX_CHARS = 200
_REGION = re.compile(r"[0-9]{1,6}")


def search(
    q: str, *, filters: Filters | None = None, after: str | None = None, limit: int = 20
) -> Page:
    """Publications containing every word of ``q`` that meet ``filters``, newest first."""
    words = terms(q)
    position = _decode(after)
    criteria = _criteria(filters or Filters())
    if not words or criteria is None:
        return Page(items=[], next=None, terms=words)
    limit = _clamp(limit)
    ids = backend().search(words, criteria, position, limit + 1)
    return _page(ids, limit, words)


def listing(filters: Filters | None = None, *, after: str | None = None, limit: int = 20) -> Page:
    """Publications meeting ``filters``, newest first (list pages; no snippets). With a
    region, the newest ``backends.WALK`` rows meeting the other filters are read first (an index in
    time order) and the region kept: a city's page fills there. Only if it does not are the
    region's rows read in full and sorted (a county with few notices)."""
    position = _decode(after)
    criteria = _criteria(filters or Filters())
    if criteria is None:
        return Page(items=[], next=None)
    limit = _clamp(limit)
    keyset, keyset_params = keyset_sql(position)
    newest = "ORDER BY p.published_at DESC, p.id DESC"
    with connection.cursor() as cursor:
        if criteria.region is not None:
            cursor.execute(
                f"SELECT p.id FROM (SELECT p.id, p.published_at, p.region_id "  # noqa: S608
                f"FROM {TABLE} p WHERE 1 = 1{criteria.sql(region=False)}{keyset} {newest} "
                f"LIMIT %s) p WHERE p.region_id BETWEEN %s AND %s {newest} LIMIT %s",
                [
                    *criteria.values(region=False),
                    *keyset_params,
                    backends.WALK,
                    *criteria.region,
                    limit + 1,
                ],
            )
            ids = [row[0] for row in cursor.fetchall()]
            if len(ids) > limit:
                return _page(ids, limit, ())
        cursor.execute(
            f"SELECT p.id FROM {TABLE} p WHERE 1 = 1{criteria.sql()}{keyset} "  # noqa: S608
            f"{newest} LIMIT %s",
            [*criteria.values(), *keyset_params, limit + 1],
        )
        ids = [row[0] for row in cursor.fetchall()]
    return _page(ids, limit, ())


def _clamp(limit: int) -> int:
    return max(1, min(int(limit), MAX_PAGE))


def _page(ids: list[int], limit: int, words: tuple[str, ...]) -> Page:
    # The plain text only for snippets: read from its TOAST or overflow pages, it would be
    # most of what a list page reads.
    unread = ("body",) if words else ("body", "text")
    found = (
        Publication.objects.select_related("region", "centre").defer(*unread).in_bulk(ids[:limit])
    )
    publications = [found[pk] for pk in ids[:limit] if pk in found]
    pattern = match_pattern(words)
    items = [
        Hit(
            publication=p,
            title=mark(p.title, pattern),
            snippet=snippet(p.text, pattern) if words else mark_safe(""),
        )
        for p in publications
    ]
    more = len(ids) > limit and bool(publications)
    return Page(items=items, next=_encode(publications[-1]) if more else None, terms=words)


def _micros(moment: datetime) -> int:
    return (moment - EPOCH) // timedelta(microseconds=1)


def _encode(publication: Publication) -> str:
    value = [_micros(publication.published_at), publication.pk]
    return signing.Signer(salt=_CURSOR_SALT).sign_object(value)


def _decode(after: str | None) -> Position | None:
    if not after:
        return None
    try:
        if len(after) > _CURSOR_MAX_CHARS:
            raise ValueError("too long")
        micros, pk = signing.Signer(salt=_CURSOR_SALT).unsign_object(after)
        if type(micros) is not int or type(pk) is not int or not 0 < pk < _BIGINT_LIMIT:
            raise ValueError("malformed")
        return Position(EPOCH + timedelta(microseconds=micros), pk)
    except (signing.BadSignature, ValueError, TypeError, OverflowError):
        raise InvalidInput(
            "翻页链接无效或已过期，请从第一页重新开始",
            "the page key is invalid or expired: start again from the first page",
            code="invalid_cursor",
            field="after",
        ) from None


def _criteria(filters: Filters) -> Criteria | None:
    """SQL for ``filters``, or None when nothing can match."""
    clauses: list[str] = []
    params: list[Any] = []
    facets: list[str] = []
    region = None
    for column, prefix, value, allowed in (
        ("category", "c", filters.category, Category.values),
        ("kind", "k", filters.kind, Kind.values),
    ):
        if value is not None:
            if value not in allowed:
                return None
            clauses.append(f"p.{column} = %s")
            params.append(value)
            facets.append(facet(prefix, value))
    if filters.region is not None:
        if not isinstance(filters.region, str) or not _REGION.fullmatch(filters.region):
            return None
        region = (filters.region.ljust(6, "0"), filters.region.ljust(6, "9"))
        if len(filters.region) in REGION_LEVELS:
            facets.append(facet("r", filters.region))
    if filters.centre is not None:
        if type(filters.centre) is not int or not 0 < filters.centre < _BIGINT_LIMIT:
            return None
        clauses.append("p.centre_id = %s")
        params.append(filters.centre)
        facets.append(facet("o", filters.centre))
    start = end = None
    if filters.date_from is not None:
        start = _midnight(min(max(filters.date_from, date(1970, 1, 1)), _LAST_DAY))
        clauses.append("p.published_at >= %s")
        params.append(adapt(start))
    if filters.date_to is not None:
        end = _midnight(min(filters.date_to, _LAST_DAY) + timedelta(days=1))
        clauses.append("p.published_at < %s")
        params.append(adapt(end))
    if start is not None and end is not None and start >= end:
        return None
    return Criteria(clauses, params, start, end, facets, region)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=SHANGHAI)
