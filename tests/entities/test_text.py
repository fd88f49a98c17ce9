"""kernel.text.clean_text: stripping, markup, control characters, lengths (pure Python)."""

from __future__ import annotations

import pytest

from ggzy.kernel.errors import InvalidInput
from ggzy.kernel.text import clean_text


def _clean(value: object, **kwargs: object) -> str:
    options: dict[str, object] = {"field": "name", "max_length": 20, **kwargs}
    return clean_text(value, **options)  # type: ignore[arg-type]


def _code(value: object, **kwargs: object) -> str:
    with pytest.raises(InvalidInput) as info:
        _clean(value, **kwargs)
    assert info.value.field == kwargs.get("field", "name")
    return info.value.code


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("  湖南建工集团  ", "湖南建工集团"),
        ("A&B 公司", "A&B 公司"),
        ("a < b", "a < b"),
        ("1<2", "1<2"),
        ("注册资本>1000万", "注册资本>1000万"),
        ("Java script 培训", "Java script 培训"),
        ("数据：text", "数据：text"),
    ],
)
def test_ordinary_text_passes(value: str, expected: str) -> None:
    assert _clean(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "<script>",
        "<b>粗体</b>",
        "</td>",
        "<!-- x -->",
        "<?xml",
        "<svg/onload=alert(1)>",
        "＜script＞",
        "&lt;img",
        "&#60;img",
        "&#x3C;img",
        "javascript:alert(1)",
        "JaVa\tScRiPt:alert(1)",
        "点击javascript:go()",
        "vbscript:msgbox",
        "data:text/html;base64,xx",
    ],
)
def test_markup_is_refused(value: str) -> None:
    code = _code(value, max_length=100, multiline=True)
    assert code == "text_markup"


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\u202e", "\u2066", "\u2028"])
def test_control_characters_are_refused(char: str) -> None:
    with pytest.raises(InvalidInput) as info:
        _clean(f"公司{char}名称")
    assert info.value.code == "text_control" and "第3个字符" in info.value.message_zh


def test_line_breaks_only_when_multiline() -> None:
    assert _code("第一行\n第二行") == "text_control"
    assert _clean("第一行\r\n第二行\t！", multiline=True) == "第一行\n第二行\t！"


def test_required_empty_and_optional() -> None:
    assert _code("   ") == "text_required"
    assert _code(None) == "text_required"
    assert _clean(None, required=False) == ""
    assert _clean("  ", required=False) == ""


def test_length_counts_characters_and_names_the_field() -> None:
    assert _clean("名" * 20) == "名" * 20
    with pytest.raises(InvalidInput) as info:
        _clean("名" * 21, field="address", label_zh="注册地址", label_en="address")
    error = info.value
    assert error.code == "text_too_long" and error.field == "address"
    assert error.message_zh == "注册地址最多20个字符，实际为21个"
    assert "at most 20" in error.message_en and "21" in error.message_en


def test_non_text_is_refused() -> None:
    assert _code(42) == "text_type"
    assert _code(["a"]) == "text_type"
