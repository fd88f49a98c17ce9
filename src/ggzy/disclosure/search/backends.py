"""The two backends, SQLite FTS5 and PostgreSQL full-text search, and the SQL they share with
list pages."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from ..models import Publication
from .interface import Backend, Criteria, Document, Position

WALK = 2_000  # rows read newest first before asking an index that does not keep time order
TABLE = Publication._meta.db_table
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ID_BITS = 31
_SECONDS_LIMIT = 1 << 32  # sort keys work until 2106
_ID_LIMIT = 1 << _ID_BITS


def backend() -> Backend:
    """The backend for the database in use."""
    try:
        return BACKENDS[connection.vendor]
    except KeyError:
        raise ImproperlyConfigured(f"no search backend for {connection.vendor}") from None


def keyset_sql(position: Position | None) -> tuple[str, list[Any]]:
    """SQL for "after ``position``" in newest-first order."""
    if position is None:
        return "", []
    moment = adapt(position.published_at)
    return (
        " AND p.published_at <= %s AND (p.published_at < %s OR p.id < %s)",
        [moment, moment, position.pk],
    )


def adapt(moment: datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(moment)


def _sort_key(moment: datetime, pk: int) -> int:
    """SQLite's rowid for a publication: newest first is rowid descending."""
    seconds = (moment - EPOCH) // timedelta(seconds=1)
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
            seconds = max(0, (criteria.start - EPOCH) // timedelta(seconds=1))
            if seconds >= _SECONDS_LIMIT:
                return []
            bounds += " AND f.rowid >= %s"
            params.append(seconds << _ID_BITS)
        if criteria.end is not None:
            seconds = (criteria.end - EPOCH) // timedelta(seconds=1)
            if seconds < _SECONDS_LIMIT:
                bounds += " AND f.rowid < %s"
                params.append(max(0, seconds) << _ID_BITS)
        keyset = ""
        if after is not None:
            seconds = (after.published_at - EPOCH) // timedelta(seconds=1)
            if seconds < 0:
                return []
            if seconds + 1 < _SECONDS_LIMIT:
                bounds += " AND f.rowid < %s"
                params.append((seconds + 1) << _ID_BITS)
            keyset = " AND (p.published_at < %s OR (p.published_at = %s AND p.id < %s))"
            moment = adapt(after.published_at)
            criteria_params = [*criteria.values(), moment, moment, after.pk]
        else:
            criteria_params = criteria.values()
        sql = (
            f"SELECT p.id, p.published_at, f.rowid >> {_ID_BITS} "  # noqa: S608
            f"FROM disclosure_fts f CROSS JOIN {TABLE} p INDEXED BY pub_facts "
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
                f"UPDATE {TABLE} SET search_document = strip("  # noqa: S608
                "to_tsvector('simple', %s) || to_tsvector('simple', %s)) WHERE id = %s",
                [(d.title, d.text, d.pk) for d in documents],
            )

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {TABLE} SET search_document = NULL")  # noqa: S608

    def optimize(self) -> None:
        """Nothing to do: autovacuum merges GIN's pending list and keeps statistics."""

    def search(
        self, words: Sequence[str], criteria: Criteria, after: Position | None, limit: int
    ) -> list[int]:
        keyset, keyset_params = keyset_sql(after)
        params = [*criteria.values(), *keyset_params]
        where = f"{criteria.sql()}{keyset}"
        query = " ".join(words)
        newest = "ORDER BY p.published_at DESC, p.id DESC"
        walk = (
            f"SELECT p.id FROM (SELECT p.id, p.published_at, p.search_document "  # noqa: S608
            f"FROM {TABLE} p WHERE 1 = 1{where} {newest} LIMIT %s) p "
            f"WHERE p.search_document @@ plainto_tsquery('simple', %s) {newest} LIMIT %s"
        )
        lookup = (
            f"WITH p AS MATERIALIZED (SELECT p.id, p.published_at FROM {TABLE} p "  # noqa: S608
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
