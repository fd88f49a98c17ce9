"""What the public side may show: one sanitising policy for notice bodies and one masking
policy for personal data, applied at publication so that nothing unmasked or executable is
ever stored for the public.

Masked (公开信息脱敏): resident ID numbers (GB 11643, 15 or 18 characters) keep their first
6 and last 4 characters; mobile numbers keep the first 3 and last 4 digits; bank account
numbers (12–30 digits) keep the first 4 and last 4. Unified social credit codes are public
by law and are not masked; amounts, dates and project codes are not touched (they are
shorter, or contain separators or letters).
"""

from __future__ import annotations

import html
import re

import nh3

TAGS = {
    "p", "br", "strong", "em", "b", "i", "u", "ul", "ol", "li", "h2", "h3", "h4",
    "table", "thead", "tbody", "tr", "th", "td", "blockquote", "a", "span",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}

_RESIDENT_ID = re.compile(r"(?<![0-9A-Za-z])(\d{17}[0-9Xx]|\d{15})(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
_ACCOUNT = re.compile(r"(?<![0-9A-Za-z*])(\d{4})(\d{4,22})(\d{4})(?![0-9A-Za-z*])")


def mask(text: str) -> str:
    """Mask personal numbers in ``text`` (see the module docstring)."""
    text = _RESIDENT_ID.sub(lambda m: m[1][:6] + "*" * (len(m[1]) - 10) + m[1][-4:], text)
    text = _MOBILE.sub(lambda m: f"{m[1]}****{m[2]}", text)
    return _ACCOUNT.sub(lambda m: f"{m[1]}{'*' * len(m[2])}{m[3]}", text)


def sanitise(markup: str) -> str:
    """Only harmless formatting survives: no script, no event handlers, no styles, links
    only to http(s) and mailto."""
    return nh3.clean(
        markup,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def plain_to_html(text: str) -> str:
    """Plain text with line breaks as paragraphs, every character escaped."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return "".join(
        "<p>" + "<br>".join(html.escape(line) for line in p.splitlines()) + "</p>"
        for p in paragraphs
    )


def text_of(markup: str) -> str:
    """The readable text of sanitised markup (for search and feeds)."""
    without_tags = nh3.clean(re.sub(r"<(br|/p|/li|/tr|/h\d)[^>]*>", "\n", markup), tags=set())
    return html.unescape(without_tags).strip()
