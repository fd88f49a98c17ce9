"""Checked identifiers: unified social credit codes and resident identity numbers.

统一社会信用代码 (GB 32100-2015), whose characters 9–17 are a GB 11714 organisation code with
its own check character, and 公民身份号码 (GB 11643). The algorithms are in RULES.md §6.
Every ``validate_*`` function normalises what people paste (full-width characters, lower
case, spaces anywhere) and returns the canonical form, or raises ``InvalidInput`` saying
exactly which character is wrong.
"""

from __future__ import annotations

import string
import unicodedata
from dataclasses import dataclass
from datetime import date

from ggzy.kernel import clock
from ggzy.kernel.errors import InvalidInput

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I O Z S V
USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
ORGCODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
RESIDENT_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
RESIDENT_ID_CHECK = "10X98765432"

# Invisible characters that survive copy-and-paste from web pages and office documents.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


@dataclass(frozen=True)
class _Charset:
    chars: str
    zh: str
    en: str


@dataclass(frozen=True)
class _What:
    """What is being checked, for messages, and the error codes its failures carry."""

    zh: str
    en: str
    length_code: str
    char_code: str


_USCC_CHARS = _Charset(
    USCC_ALPHABET,
    "数字或除 I、O、Z、S、V 以外的大写字母",
    "a digit or an upper-case letter other than I, O, Z, S, V",
)
_ORG_CHARS = _Charset(
    string.digits + string.ascii_uppercase, "数字或大写字母", "a digit or an upper-case letter"
)
_DIGITS = _Charset(string.digits, "数字", "a digit")
_ID_CHECK_CHARS = _Charset(string.digits + "X", "数字或X", "a digit or X")

_USCC = _What("统一社会信用代码", "unified social credit code", "uscc_length", "uscc_char")
_ORG_BODY = _What("组织机构代码本体", "organisation code body", "uscc_length", "uscc_char")
_ID = _What("公民身份号码", "resident identity number", "id_length", "id_char")
_USCC_FIRST17 = _What(
    "统一社会信用代码前17位",
    "first 17 characters of the unified social credit code",
    "uscc_length",
    "uscc_char",
)
_DEPT = _What("登记管理部门码", "registration department code", "uscc_length", "uscc_char")
_KIND = _What("机构类别码", "entity type code", "uscc_length", "uscc_char")
_USCC_AREA = _What("登记管理机关行政区划码", "area code", "uscc_length", "uscc_char")
_ID_BODY = _What(
    "公民身份号码本体码", "first 17 digits of the resident identity number", "id_length", "id_char"
)
_ID_AREA = _What("行政区划码", "area code", "id_length", "id_char")
_ID_SEQ = _What("顺序码", "sequence code", "id_length", "id_char")


def normalise(text: str) -> str:
    """Full-width to half-width (NFKC), upper case, every kind of whitespace removed."""
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    return "".join(text.split()).upper()


def _show(char: str) -> str:
    return char if char.isprintable() else f"U+{ord(char):04X}"


def _require_text(value: object, what: _What, empty_code: str, field: str | None) -> str:
    if not isinstance(value, str):
        if value is None:
            raise InvalidInput(
                f"{what.zh}不能为空", f"The {what.en} is empty", code=empty_code, field=field
            )
        raise InvalidInput(
            f"{what.zh}应为文本", f"The {what.en} must be text", code=empty_code, field=field
        )
    text = normalise(value)
    if not text:
        raise InvalidInput(
            f"{what.zh}不能为空", f"The {what.en} is empty", code=empty_code, field=field
        )
    return text


def _check_length(text: str, expected: int, what: _What, field: str | None) -> None:
    if len(text) != expected:
        raise InvalidInput(
            f"{what.zh}应为{expected}位，实际为{len(text)}位",
            f"The {what.en} must be {expected} characters long; got {len(text)}",
            code=what.length_code,
            field=field,
        )


def _check_chars(
    text: str, charset: _Charset, what: _What, field: str | None, *, offset: int = 0
) -> None:
    """Reject the first character not in ``charset``; positions are 1-based plus ``offset``."""
    for position, char in enumerate(text, start=1 + offset):
        if char not in charset.chars:
            raise InvalidInput(
                f"{what.zh}第{position}位字符“{_show(char)}”无效（应为{charset.zh}）",
                f"Character '{_show(char)}' at position {position} of the {what.en} is not "
                f"allowed (expected {charset.en})",
                code=what.char_code,
                field=field,
            )


def _part(value: str, length: int, charset: _Charset, what: _What) -> str:
    text = normalise(value)
    _check_length(text, length, what, None)
    _check_chars(text, charset, what, None)
    return text


# --- 统一社会信用代码 -------------------------------------------------------------------


def uscc_check_char(first17: str) -> str:
    """The 18th (check) character of a unified social credit code (GB 32100-2015)."""
    body = _part(first17, 17, _USCC_CHARS, _USCC_FIRST17)
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(body, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def orgcode_check_char(first8: str) -> str:
    """The 9th (check) character of an organisation code (GB 11714)."""
    body = _part(first8, 8, _ORG_CHARS, _ORG_BODY)
    total = sum(
        (int(c) if c.isdigit() else ord(c) - 55) * w
        for c, w in zip(body, ORGCODE_WEIGHTS, strict=True)
    )
    remainder = 11 - total % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def validate_uscc(code: str | None, *, field: str | None = None) -> str:
    """Return the canonical 18-character code, or raise ``InvalidInput``.

    Error codes: ``uscc_empty``, ``uscc_length``, ``uscc_char``, ``uscc_orgcode_check``
    (characters 9–17, GB 11714) and ``uscc_check`` (character 18).
    """
    text = _require_text(code, _USCC, "uscc_empty", field)
    _check_length(text, 18, _USCC, field)
    _check_chars(text, _USCC_CHARS, _USCC, field)
    expected_org, found_org = orgcode_check_char(text[8:16]), text[16]
    if found_org != expected_org:
        raise InvalidInput(
            f"统一社会信用代码第9–17位（组织机构代码）校验位错误：第17位应为“{expected_org}”，"
            f"实际为“{found_org}”",
            "The organisation code (characters 9–17) of the unified social credit code fails "
            f"its check: character 17 should be '{expected_org}', found '{found_org}'",
            code="uscc_orgcode_check",
            field=field,
        )
    expected, found = uscc_check_char(text[:17]), text[17]
    if found != expected:
        raise InvalidInput(
            f"统一社会信用代码校验位（第18位）错误：应为“{expected}”，实际为“{found}”",
            "The check character (position 18) of the unified social credit code should be "
            f"'{expected}', found '{found}'",
            code="uscc_check",
            field=field,
        )
    return text


def make_uscc(registration_dept: str, entity_type: str, area_code: str, org_body8: str) -> str:
    """Build a valid code from its parts, computing both check characters.

    ``registration_dept`` and ``entity_type`` are one character each (e.g. "9" and "1" for
    an enterprise registered with the market regulator), ``area_code`` the 6-digit
    administrative division, ``org_body8`` the first 8 characters of the organisation code.
    """
    dept = _part(registration_dept, 1, _USCC_CHARS, _DEPT)
    kind = _part(entity_type, 1, _USCC_CHARS, _KIND)
    area = _part(area_code, 6, _DIGITS, _USCC_AREA)
    body = _part(org_body8, 8, _USCC_CHARS, _ORG_BODY)
    first17 = dept + kind + area + body + orgcode_check_char(body)
    return validate_uscc(first17 + uscc_check_char(first17))


# --- 公民身份号码 -----------------------------------------------------------------------


def resident_id_check_char(first17: str) -> str:
    """The 18th (check) character of a resident identity number (GB 11643)."""
    body = _part(first17, 17, _DIGITS, _ID_BODY)
    total = sum(int(c) * w for c, w in zip(body, RESIDENT_ID_WEIGHTS, strict=True))
    return RESIDENT_ID_CHECK[total % 11]


def _check_birth_date(text: str, field: str | None) -> None:
    raw = text[6:14]
    try:
        born = date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))
    except ValueError:
        raise InvalidInput(
            f"公民身份号码第7–14位出生日期“{raw}”不是有效日期",
            f"The birth date '{raw}' (positions 7–14) of the resident identity number is not "
            "a real date",
            code="id_birthdate",
            field=field,
        ) from None
    today = clock.today()
    if born > today:
        raise InvalidInput(
            f"公民身份号码中的出生日期{born.isoformat()}晚于今天（{today.isoformat()}）",
            f"The birth date {born.isoformat()} in the resident identity number is after "
            f"today ({today.isoformat()})",
            code="id_birthdate",
            field=field,
        )
    if born.year < 1900:
        raise InvalidInput(
            f"公民身份号码中的出生日期{born.isoformat()}早于1900年",
            f"The birth date {born.isoformat()} in the resident identity number is before 1900",
            code="id_birthdate",
            field=field,
        )


def validate_resident_id(number: str | None, *, field: str | None = None) -> str:
    """Return the canonical 18-character number (check "X" upper case), or raise.

    Error codes: ``id_empty``, ``id_length``, ``id_char``, ``id_birthdate``, ``id_check``.
    Old 15-digit numbers are rejected: they carry no check character.
    """
    text = _require_text(number, _ID, "id_empty", field)
    if len(text) == 15:
        raise InvalidInput(
            "公民身份号码应为18位，实际为15位（15位旧号码请换用18位号码）",
            "The resident identity number must be 18 characters long; got 15 (old 15-digit "
            "numbers are not accepted: use the 18-digit number)",
            code="id_length",
            field=field,
        )
    _check_length(text, 18, _ID, field)
    _check_chars(text[:17], _DIGITS, _ID, field)
    _check_chars(text[17], _ID_CHECK_CHARS, _ID, field, offset=17)
    _check_birth_date(text, field)
    expected, found = resident_id_check_char(text[:17]), text[17]
    if found != expected:
        raise InvalidInput(
            f"公民身份号码校验码（第18位）错误：应为“{expected}”，实际为“{found}”",
            "The check character (position 18) of the resident identity number should be "
            f"'{expected}', found '{found}'",
            code="id_check",
            field=field,
        )
    return text


def make_resident_id(area6: str, birth: date, seq3: str) -> str:
    """Build a valid number: area code, birth date, 3-digit sequence, check character.

    The sequence's last digit is odd for men and even for women.
    """
    area = _part(area6, 6, _DIGITS, _ID_AREA)
    seq = _part(seq3, 3, _DIGITS, _ID_SEQ)
    first17 = f"{area}{birth:%Y%m%d}{seq}"
    return validate_resident_id(first17 + resident_id_check_char(first17))
