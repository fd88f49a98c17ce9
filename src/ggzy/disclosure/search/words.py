"""Words: how texts are segmented for the index and queries for a search (jieba, folded)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import rjieba

MAX_QUERY_CHARS = 500  # the search form's maxlength; longer input is cut, not refused
MAX_QUERY_TERMS = 200
MAX_TERM_CHARS = 64  # longer runs of letters (hashes, base64) are cut to this length
MAX_INDEX_CHARS = 500_000  # text beyond this is not indexed
MAX_INDEX_TERMS = 50_000  # distinct words per column
_WORD = re.compile(r"[^\W_]+")  # letters and digits of any script, nothing else
_OPERATORS = frozenset({"AND", "OR", "NOT", "NEAR"})


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


def document_text(words: Iterable[str]) -> str:
    return " ".join(list(dict.fromkeys(words))[:MAX_INDEX_TERMS])
