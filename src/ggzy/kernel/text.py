"""Input hygiene for free text (自由文本输入校验).

Every free-text value a person types — names, addresses, reasons — passes through
``clean_text`` before it is stored: surrounding whitespace is stripped, and markup
(anything that looks like an HTML tag, a ``javascript:`` URL), control characters and
over-long values are refused with a bilingual ``InvalidInput`` that names the field.
Templates escape output anyway; refusing markup at the door keeps it out of exports, PDFs
and the systems we exchange data with, which may not.
"""

from __future__ import annotations

import re
import unicodedata

from ggzy.kernel.errors import InvalidInput

# "<" directly followed by a tag name, "/" (closing tag), "!" (comment, doctype) or "?"
# (processing instruction), as an HTML parser reads it — also when the "<" is written as an
# entity. Full-width "＜" is folded by NFKC first. "a < b" and "1<2" stay allowed.
_MARKUP = re.compile(
    r"(?:<|&(?:lt|#0*60|#x0*3c);?)(?:[/?]?[a-z]|!)",
    re.IGNORECASE,
)
# Script URL schemes, even with whitespace between the letters.
_SCRIPT_URL = re.compile(
    r"(?:j\s*a\s*v\s*a|v\s*b)\s*s\s*c\s*r\s*i\s*p\s*t\s*:"
    r"|data\s*:\s*text\s*/\s*html",
    re.IGNORECASE,
)
# Format characters that change how text displays without being seen (bidi overrides,
# used to disguise file names and codes).
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _labels(field: str, label_zh: str | None, label_en: str | None) -> tuple[str, str]:
    return label_zh or field, label_en or field


def _show(char: str) -> str:
    return f"U+{ord(char):04X}"


def _check_characters(text: str, *, field: str, multiline: bool, zh: str, en: str) -> None:
    allowed = {"\n", "\t"} if multiline else set()
    for position, char in enumerate(text, start=1):
        if char in allowed:
            continue
        category = unicodedata.category(char)
        if category in {"Cc", "Cs"} or char in _BIDI_CONTROLS or category in {"Zl", "Zp"}:
            what_zh, what_en = (
                ("换行", "a line break")
                if char in "\n\r\u2028\u2029"
                else ("控制字符", "a control character")
            )
            raise InvalidInput(
                f"{zh}第{position}个字符是{what_zh}（{_show(char)}），不允许出现在此处",
                f"The {en} contains {what_en} ({_show(char)}) at position {position}, "
                "which is not allowed here",
                code="text_control",
                field=field,
            )


def clean_text(
    value: object,
    *,
    field: str,
    max_length: int,
    required: bool = True,
    multiline: bool = False,
    label_zh: str | None = None,
    label_en: str | None = None,
) -> str:
    """Return ``value`` stripped, or raise ``InvalidInput`` naming the field.

    ``label_zh`` / ``label_en`` name the field in messages (default: ``field``).
    ``multiline`` allows line breaks and tabs (Windows line endings become ``\\n``).
    ``None`` counts as empty. Error codes: ``text_type``, ``text_required``,
    ``text_too_long``, ``text_control``, ``text_markup``.
    """
    zh, en = _labels(field, label_zh, label_en)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput(f"{zh}应为文本", f"The {en} must be text", code="text_type", field=field)
    text = value
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.strip()
    if not text:
        if required:
            raise InvalidInput(
                f"{zh}不能为空", f"The {en} is required", code="text_required", field=field
            )
        return ""
    if len(text) > max_length:
        raise InvalidInput(
            f"{zh}最多{max_length}个字符，实际为{len(text)}个",
            f"The {en} may be at most {max_length} characters long; got {len(text)}",
            code="text_too_long",
            field=field,
        )
    _check_characters(text, field=field, multiline=multiline, zh=zh, en=en)
    folded = unicodedata.normalize("NFKC", text)
    if _MARKUP.search(folded):
        raise InvalidInput(
            f"{zh}不能包含 HTML 标记或脚本（如“<标签”）",
            f"The {en} must not contain HTML markup or script (such as '<tag')",
            code="text_markup",
            field=field,
        )
    if _SCRIPT_URL.search(folded):
        raise InvalidInput(
            f"{zh}不能包含脚本链接（如“javascript:”）",
            f"The {en} must not contain a script URL (such as 'javascript:')",
            code="text_markup",
            field=field,
        )
    return text
