"""Highlighting: the words searched for marked in titles and snippets, all else escaped."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Sequence

from django.utils.safestring import SafeString, mark_safe

SNIPPET_CHARS = 120
SNIPPET_LEAD = 30  # characters of context before the first match
SNIPPET_SCAN = 20_000  # a match further into the text gives a snippet from the start
_SPACE = re.compile(r"\s+")


def match_pattern(words: Sequence[str]) -> re.Pattern[str] | None:
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


def mark(text: str, pattern: re.Pattern[str] | None) -> SafeString:
    spans = [m.span() for m in pattern.finditer(_fold(text))] if pattern else []
    return mark_safe(_render(text, spans, 0, len(text)))  # noqa: S308 - every part escaped


def snippet(text: str, pattern: re.Pattern[str] | None) -> SafeString:
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
