"""Full-text search over publications (全文检索), one interface over two backends.

Titles and plain texts are segmented into words with jieba (``rjieba``, search mode: whole
words and the dictionary words inside them), folded (NFKC, lower case) and stripped of
punctuation, symbols and emoji. Each backend keeps its own copy of the segmented text:

* SQLite: the FTS5 table ``disclosure_fts(title, text, facets)`` with the ``ascii``
  tokenizer (every one of our words is exactly one of its tokens, whatever the Unicode
  tables of the SQLite build) and ``detail=column``. The filter values are words of the
  ``facets`` column (``cworks``, ``kchange``, ``r43``, ``r4301``, ``o17``), so FTS5 alone
  finds the matches of a filtered search. Its rowid is a sort key, ``published second
  << 31 | id``: FTS5 walks the matches newest first and stops at the page size; page keys
  and date filters become rowid ranges.
* PostgreSQL: the column ``disclosure_publication.search_document`` (a ``tsvector`` of the
  title's and the text's words without positions — nothing here ranks or matches phrases,
  and it is kept in the row, the body and the text going to TOAST first — GIN index). A search
  first walks the newest rows (common words fill the page there), then asks the GIN index
  for the rest (rare words); see ``PostgresFTS``.

Both are behind ``Backend``; a search engine can replace them by implementing it. A query
is segmented the same way (jieba's default mode, so a query word must be a word of the
notice: "教学楼" finds "长沙市第一中学教学楼新建工程", "学楼" does not) and every word
becomes a quoted literal, all of them required. The query string never reaches SQL or an
FTS/tsquery expression: operators, quotes and emoji are dropped, the query is cut to
``MAX_QUERY_CHARS`` characters and ``MAX_QUERY_TERMS`` words, and a query with no word left
finds nothing (``Page.terms`` is empty, so the page can say so).

Results are newest first; ``listing`` serves list pages from the model's indexes without
touching the search structures. Both return a ``Page`` whose ``next`` is a signed page key
(keyset on published time and id); a key that was tampered with raises ``InvalidInput``.
Filter values that cannot match anything (an unknown category, a malformed region prefix,
an impossible centre id) give an empty page, never an error.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol

import rjieba
from django.core import signing
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.utils.safestring import SafeString, mark_safe

from ggzy.kernel.clock import SHANGHAI
from ggzy.kernel.errors import InvalidInput

from .models import Category, Kind, Publication

MAX_PAGE = 100
WALK = 2_000  # rows read newest first before asking an index that does not keep time order
MAX_QUERY_CHARS = 500  # the search form's maxlength; longer input is cut, not refused
MAX_QUERY_TERMS = 200
MAX_TERM_CHARS = 64  # longer runs of letters (hashes, base64) are cut to this length
MAX_INDEX_CHARS = 500_000  # text beyond this is not indexed
MAX_INDEX_TERMS = 50_000  # distinct words per column
SNIPPET_CHARS = 120
SNIPPET_LEAD = 30  # characters of context before the first match
SNIPPET_SCAN = 20_000  # a match further into the text gives a snippet from the start

_TABLE = Publication._meta.db_table
_WORD = re.compile(r"[^\W_]+")  # letters and digits of any script, nothing else
_SPACE = re.compile(r"\s+")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ID_BITS = 31
_SECONDS_LIMIT = 1 << 32  # sort keys work until 2106
_ID_LIMIT = 1 << _ID_BITS
_BIGINT_LIMIT = 1 << 63
_LAST_DAY = date(2999, 12, 31)
_CURSOR_SALT = "ggzy.disclosure.search.after"
_CURSOR_MAX_CHARS = 200
_REGION = re.compile(r"[0-9]{1,6}")
_REGION_LEVELS = (2, 4, 6)  # province, city, county prefixes
_OPERATORS = frozenset({"AND", "OR", "NOT", "NEAR"})


# --- words ------------------------------------------------------------------------------


def _words(segments: Iterable[str]) -> list[str]:
    """Segments (of NFKC text) as words: lower case, letters and digits only."""
    return [
        piece[:MAX_TERM_CHARS] for segment in segments for piece in _WORD.findall(segment.lower())
    ]


def tokens(text: str) -> list[str]:
    """The words of ``text`` as indexed: jieba's search mode (``长沙市`` gives ``长沙``,
    ``沙市`` and ``长沙市``), folded, without punctuation, symbols or emoji."""
    return _words(rjieba.cut_for_search(unicodedata.normalize("NFKC", text)))


def terms(q: str) -> tuple[str, ...]:
    """The distinct words a query searches for, in order (all are required). Operator
    words in capitals (AND, OR, NOT, NEAR) are dropped: every word is required anyway."""
    segments = rjieba.cut(unicodedata.normalize("NFKC", q[:MAX_QUERY_CHARS]))
    words = _words(s for s in segments if s not in _OPERATORS)
    return tuple(dict.fromkeys(words))[:MAX_QUERY_TERMS]


def _document_text(words: Iterable[str]) -> str:
    return " ".join(list(dict.fromkeys(words))[:MAX_INDEX_TERMS])


# --- the interface ----------------------------------------------------------------------


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
    facets: str  # the filterable values as words (see ``_facet``)

    @classmethod
    def of(cls, publication: Publication) -> Document:
        heading = " ".join((publication.title, publication.trade_title, publication.trade_code))
        region = publication.region_id
        facets = [
            _facet("c", publication.category),
            _facet("k", publication.kind),
            *(_facet("r", region[:n]) for n in _REGION_LEVELS if n <= len(region)),
            _facet("o", publication.centre_id),
        ]
        return cls(
            pk=publication.pk,
            published_at=publication.published_at,
            title=_document_text(tokens(heading)),
            text=_document_text(tokens(publication.text[:MAX_INDEX_CHARS])),
            facets=" ".join(dict.fromkeys(facets)),
        )


def _facet(prefix: str, value: object) -> str:
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
    region, the newest ``WALK`` rows meeting the other filters are read first (an index in
    time order) and the region kept: a city's page fills there. Only if it does not are the
    region's rows read in full and sorted (a county with few notices)."""
    position = _decode(after)
    criteria = _criteria(filters or Filters())
    if criteria is None:
        return Page(items=[], next=None)
    limit = _clamp(limit)
    keyset, keyset_params = _keyset(position)
    newest = "ORDER BY p.published_at DESC, p.id DESC"
    with connection.cursor() as cursor:
        if criteria.region is not None:
            cursor.execute(
                f"SELECT p.id FROM (SELECT p.id, p.published_at, p.region_id "  # noqa: S608
                f"FROM {_TABLE} p WHERE 1 = 1{criteria.sql(region=False)}{keyset} {newest} "
                f"LIMIT %s) p WHERE p.region_id BETWEEN %s AND %s {newest} LIMIT %s",
                [
                    *criteria.values(region=False),
                    *keyset_params,
                    WALK,
                    *criteria.region,
                    limit + 1,
                ],
            )
            ids = [row[0] for row in cursor.fetchall()]
            if len(ids) > limit:
                return _page(ids, limit, ())
        cursor.execute(
            f"SELECT p.id FROM {_TABLE} p WHERE 1 = 1{criteria.sql()}{keyset} "  # noqa: S608
            f"{newest} LIMIT %s",
            [*criteria.values(), *keyset_params, limit + 1],
        )
        ids = [row[0] for row in cursor.fetchall()]
    return _page(ids, limit, ())


def _keyset(position: Position | None) -> tuple[str, list[Any]]:
    """SQL for "after ``position``" in newest-first order."""
    if position is None:
        return "", []
    moment = _adapt(position.published_at)
    return (
        " AND p.published_at <= %s AND (p.published_at < %s OR p.id < %s)",
        [moment, moment, position.pk],
    )


def backend() -> Backend:
    """The backend for the database in use."""
    try:
        return BACKENDS[connection.vendor]
    except KeyError:
        raise ImproperlyConfigured(f"no search backend for {connection.vendor}") from None


# --- pages, page keys, filters ---------------------------------------------------------


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
    pattern = _pattern(words)
    items = [
        Hit(
            publication=p,
            title=_mark(p.title, pattern),
            snippet=_snippet(p.text, pattern) if words else mark_safe(""),
        )
        for p in publications
    ]
    more = len(ids) > limit and bool(publications)
    return Page(items=items, next=_encode(publications[-1]) if more else None, terms=words)


def _micros(moment: datetime) -> int:
    return (moment - _EPOCH) // timedelta(microseconds=1)


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
        return Position(_EPOCH + timedelta(microseconds=micros), pk)
    except (signing.BadSignature, ValueError, TypeError, OverflowError):
        raise InvalidInput(
            "翻页链接无效或已过期，请从第一页重新开始",
            "the page key is invalid or expired: start again from the first page",
            code="invalid_cursor",
            field="after",
        ) from None


def _adapt(moment: datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(moment)


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
            facets.append(_facet(prefix, value))
    if filters.region is not None:
        if not isinstance(filters.region, str) or not _REGION.fullmatch(filters.region):
            return None
        region = (filters.region.ljust(6, "0"), filters.region.ljust(6, "9"))
        if len(filters.region) in _REGION_LEVELS:
            facets.append(_facet("r", filters.region))
    if filters.centre is not None:
        if type(filters.centre) is not int or not 0 < filters.centre < _BIGINT_LIMIT:
            return None
        clauses.append("p.centre_id = %s")
        params.append(filters.centre)
        facets.append(_facet("o", filters.centre))
    start = end = None
    if filters.date_from is not None:
        start = _midnight(min(max(filters.date_from, date(1970, 1, 1)), _LAST_DAY))
        clauses.append("p.published_at >= %s")
        params.append(_adapt(start))
    if filters.date_to is not None:
        end = _midnight(min(filters.date_to, _LAST_DAY) + timedelta(days=1))
        clauses.append("p.published_at < %s")
        params.append(_adapt(end))
    if start is not None and end is not None and start >= end:
        return None
    return Criteria(clauses, params, start, end, facets, region)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=SHANGHAI)


# --- highlighting -----------------------------------------------------------------------


def _pattern(words: Sequence[str]) -> re.Pattern[str] | None:
    if not words:
        return None
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


def _fold(text: str) -> str:
    """``text`` folded as words are (NFKC, lower case), one character for one character
    so that positions in the folded text are positions in ``text``."""
    folded = unicodedata.normalize("NFKC", text).lower()
    if len(folded) == len(text):
        return folded
    return "".join(
        f if len(f := unicodedata.normalize("NFKC", c).lower()) == 1 else c for c in text
    )


def _render(text: str, spans: Iterable[tuple[int, int]], start: int, end: int) -> str:
    parts, at = [], start
    for a, b in spans:
        parts.append(html.escape(_SPACE.sub(" ", text[at:a])))
        parts.append(f"<mark>{html.escape(_SPACE.sub(' ', text[a:b]))}</mark>")
        at = b
    parts.append(html.escape(_SPACE.sub(" ", text[at:end])))
    return "".join(parts)


def _mark(text: str, pattern: re.Pattern[str] | None) -> SafeString:
    spans = [m.span() for m in pattern.finditer(_fold(text))] if pattern else []
    return mark_safe(_render(text, spans, 0, len(text)))  # noqa: S308 - every part escaped


def _snippet(text: str, pattern: re.Pattern[str] | None) -> SafeString:
    """About ``SNIPPET_CHARS`` characters of ``text`` around the first match."""
    head = text[:SNIPPET_SCAN]
    folded = _fold(head)
    first = pattern.search(folded) if pattern else None
    start = max(0, first.start() - SNIPPET_LEAD) if first else 0
    end = min(len(head), start + SNIPPET_CHARS)
    spans = [m.span() for m in pattern.finditer(folded, start, end)] if pattern else []
    body = _render(head, spans, start, end).strip()
    before = "…" if start > 0 else ""
    after = "…" if end < len(text) else ""
    return mark_safe(f"{before}{body}{after}")  # noqa: S308 - every part escaped


# --- backends ---------------------------------------------------------------------------


def _sort_key(moment: datetime, pk: int) -> int:
    """SQLite's rowid for a publication: newest first is rowid descending."""
    seconds = (moment - _EPOCH) // timedelta(seconds=1)
    if not (0 <= seconds < _SECONDS_LIMIT and 0 < pk < _ID_LIMIT):
        raise ValueError(f"cannot index publication {pk} published at {moment}")
    return seconds << _ID_BITS | pk


def _stream(cursor: Any, size: int) -> Iterator[Any]:
    while batch := cursor.fetchmany(size):
        yield from batch


def _quoted(words: Iterable[str]) -> str:
    return " AND ".join('"' + w.replace('"', '""') + '"' for w in words)


class SQLiteFTS5:
    """The FTS5 table ``disclosure_fts`` (migration 0002): words in ``title`` and ``text``,
    the filter values in ``facets``, so that FTS5 alone finds the matches of a filtered
    search, newest first, and stops at the page size. Rows come out in rowid order
    (second, id); the rows of the last second are all read and sorted by the exact time.
    The join reads the publication's time and filter columns from the index ``pub_facts``
    (migration 0005), not from the row, whose body and text come first.
    A row whose publication is gone (a test database flushed) is ignored: the join checks
    the id and the second."""

    def index(self, documents: Sequence[Document]) -> None:
        rows = [(_sort_key(d.published_at, d.pk), d.title, d.text, d.facets) for d in documents]
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT OR REPLACE INTO disclosure_fts (rowid, title, text, facets) "
                "VALUES (%s, %s, %s, %s)",
                rows,
            )

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM disclosure_fts")

    def optimize(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO disclosure_fts (disclosure_fts) VALUES ('optimize')")

    def search(
        self, words: Sequence[str], criteria: Criteria, after: Position | None, limit: int
    ) -> list[int]:
        expression = f"{{title text}} : ({_quoted(words)})"
        if criteria.facets:
            expression += f" AND facets : ({_quoted(criteria.facets)})"
        bounds = ""
        params: list[Any] = [expression]
        if criteria.start is not None:
            seconds = max(0, (criteria.start - _EPOCH) // timedelta(seconds=1))
            if seconds >= _SECONDS_LIMIT:
                return []
            bounds += " AND f.rowid >= %s"
            params.append(seconds << _ID_BITS)
        if criteria.end is not None:
            seconds = (criteria.end - _EPOCH) // timedelta(seconds=1)
            if seconds < _SECONDS_LIMIT:
                bounds += " AND f.rowid < %s"
                params.append(max(0, seconds) << _ID_BITS)
        keyset = ""
        if after is not None:
            seconds = (after.published_at - _EPOCH) // timedelta(seconds=1)
            if seconds < 0:
                return []
            if seconds + 1 < _SECONDS_LIMIT:
                bounds += " AND f.rowid < %s"
                params.append((seconds + 1) << _ID_BITS)
            keyset = " AND (p.published_at < %s OR (p.published_at = %s AND p.id < %s))"
            moment = _adapt(after.published_at)
            criteria_params = [*criteria.values(), moment, moment, after.pk]
        else:
            criteria_params = criteria.values()
        sql = (
            f"SELECT p.id, p.published_at, f.rowid >> {_ID_BITS} "  # noqa: S608
            f"FROM disclosure_fts f CROSS JOIN {_TABLE} p INDEXED BY pub_facts "
            f"WHERE f.disclosure_fts MATCH %s{bounds} "
            f"AND p.id = (f.rowid & {_ID_LIMIT - 1}) "
            # whole seconds of the stored text: strftime would round .9995 up
            f"AND (f.rowid >> {_ID_BITS}) = "
            "CAST(strftime('%%s', substr(p.published_at, 1, 19)) AS INTEGER)"
            f"{criteria.sql()}{keyset} ORDER BY f.rowid DESC"
        )
        rows: list[tuple[int, Any, int]] = []
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, *criteria_params])
            for row in _stream(cursor, limit):
                if len(rows) >= limit and row[2] < rows[limit - 1][2]:
                    break  # past the second of the last row wanted
                rows.append(row)
        rows.sort(key=lambda row: (row[1], row[0]), reverse=True)
        return [row[0] for row in rows[:limit]]


class PostgresFTS:
    """The ``tsvector`` column ``search_document`` with its GIN index (migration 0002).

    A search runs in up to two steps, because no single plan is fast for every word. First
    it walks the newest ``WALK`` rows meeting the filters (a B-tree index, newest first) and
    keeps those that match: a common word fills the page there. If the page is not full the
    word is rare among recent notices, and the second step asks the GIN index for every
    match (a materialised CTE, so the planner cannot turn it back into a walk) and sorts
    them. Left to itself the planner walks for a word it believes common and reads the whole
    table for a word found nowhere (its statistics cannot tell a missing word from a rare
    one)."""

    def index(self, documents: Sequence[Document]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {_TABLE} SET search_document = strip("  # noqa: S608
                "to_tsvector('simple', %s) || to_tsvector('simple', %s)) WHERE id = %s",
                [(d.title, d.text, d.pk) for d in documents],
            )

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {_TABLE} SET search_document = NULL")  # noqa: S608

    def optimize(self) -> None:
        """Nothing to do: autovacuum merges GIN's pending list and keeps statistics."""

    def search(
        self, words: Sequence[str], criteria: Criteria, after: Position | None, limit: int
    ) -> list[int]:
        keyset, keyset_params = _keyset(after)
        params = [*criteria.values(), *keyset_params]
        where = f"{criteria.sql()}{keyset}"
        query = " ".join(words)
        newest = "ORDER BY p.published_at DESC, p.id DESC"
        walk = (
            f"SELECT p.id FROM (SELECT p.id, p.published_at, p.search_document "  # noqa: S608
            f"FROM {_TABLE} p WHERE 1 = 1{where} {newest} LIMIT %s) p "
            f"WHERE p.search_document @@ plainto_tsquery('simple', %s) {newest} LIMIT %s"
        )
        lookup = (
            f"WITH p AS MATERIALIZED (SELECT p.id, p.published_at FROM {_TABLE} p "  # noqa: S608
            f"WHERE p.search_document @@ plainto_tsquery('simple', %s){where}) "
            f"SELECT p.id FROM p {newest} LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(walk, [*params, WALK, query, limit])
            ids = [row[0] for row in cursor.fetchall()]
            if len(ids) < limit:
                cursor.execute(lookup, [query, *params, limit])
                ids = [row[0] for row in cursor.fetchall()]
        return ids


BACKENDS: dict[str, Backend] = {"sqlite": SQLiteFTS5(), "postgresql": PostgresFTS()}
