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
  for the rest (rare words); see ``backends.PostgresFTS``.

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

The modules: ``words`` (segmentation), ``interface`` (what goes in and out, the ``Backend``
protocol), ``indexing`` (keeping the index), ``queries`` (``search``, ``listing``, page keys),
``highlight`` (marks and snippets) and ``backends`` (the SQL).
"""

from .backends import BACKENDS, backend
from .indexing import index, index_many, optimize, rebuild
from .interface import Backend, Criteria, Document, Filters, Hit, Page, Position
from .queries import listing, search
from .words import MAX_QUERY_TERMS, MAX_TERM_CHARS, terms, tokens

__all__ = [
    "BACKENDS",
    "MAX_QUERY_TERMS",
    "MAX_TERM_CHARS",
    "Backend",
    "Criteria",
    "Document",
    "Filters",
    "Hit",
    "Page",
    "Position",
    "backend",
    "index",
    "index_many",
    "listing",
    "optimize",
    "rebuild",
    "search",
    "terms",
    "tokens",
]
