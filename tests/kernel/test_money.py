from decimal import Decimal, localcontext

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ggzy.kernel.errors import InvalidInput
from ggzy.kernel.money import fen, format_cny, from_fen, to_chinese_capital, yuan

DIGITS = "零壹贰叁肆伍陆柒捌玖"
UNITS = {"拾": 10, "佰": 100, "仟": 1000}


def parse_integer(text: str) -> int:
    """Read a capitalised integer back (test oracle, independent of the implementation)."""
    for marker, scale in (("亿", 10**8), ("万", 10**4)):
        if marker in text:
            high, low = text.rsplit(marker, 1)
            return parse_integer(high) * scale + parse_integer(low)
    value = digit = 0
    for char in text:
        if char in DIGITS:
            digit = DIGITS.index(char)
        else:
            value += digit * UNITS[char]
            digit = 0
    return value + digit


def parse_capital(text: str) -> Decimal:
    sign = -1 if text.startswith("负") else 1
    text = text.removeprefix("负").removesuffix("整")
    whole, _, rest = text.rpartition("元")
    total_fen = parse_integer(whole) * 100
    for unit, factor in (("角", 10), ("分", 1)):
        if unit in rest:
            before, rest = rest.split(unit)
            total_fen += DIGITS.index(before[-1]) * factor
    return Decimal(sign * total_fen) / 100


@pytest.mark.parametrize(
    ("amount", "capital"),
    [
        ("1234.56", "壹仟贰佰叁拾肆元伍角陆分"),
        (100, "壹佰元整"),
        (0, "零元整"),
        ("1005.07", "壹仟零伍元零柒分"),
        (100000, "壹拾万元整"),
        (10000010, "壹仟万零壹拾元整"),
        ("0.5", "伍角整"),
        ("0.05", "伍分"),
        ("0.55", "伍角伍分"),
        ("1.05", "壹元零伍分"),
        ("10", "壹拾元整"),
        ("1409.50", "壹仟肆佰零玖元伍角整"),
        ("6007.14", "陆仟零柒元壹角肆分"),
        ("16409.02", "壹万陆仟肆佰零玖元零贰分"),
        ("107000.53", "壹拾万柒仟元伍角叁分"),
        ("100000000", "壹亿元整"),
        ("100010000", "壹亿零壹万元整"),
        ("100000001", "壹亿零壹元整"),
        ("1010000000", "壹拾亿壹仟万元整"),
        ("1000000000000", "壹万亿元整"),
        ("1000100000000", "壹万零壹亿元整"),
        ("1234000056780000", "壹仟贰佰叁拾肆万亿伍仟陆佰柒拾捌万元整"),
        ("-12.30", "负壹拾贰元叁角整"),
        (Decimal("2.500"), "贰元伍角整"),
    ],
)
def test_chinese_capital(amount: str | int | Decimal, capital: str) -> None:
    assert to_chinese_capital(amount) == capital
    assert parse_capital(capital) == yuan(amount)


def test_format_cny() -> None:
    assert format_cny("1234.56") == "¥1,234.56"
    assert format_cny(0) == "¥0.00"
    assert format_cny("-1234.5") == "-¥1,234.50"
    assert format_cny("-0.00") == "¥0.00"
    assert format_cny(Decimal("1000000")) == "¥1,000,000.00"


def test_yuan_accepts_and_quantises() -> None:
    assert yuan("12") == Decimal("12.00")
    assert str(yuan("12.3")) == "12.30"
    assert str(yuan(7)) == "7.00"
    assert str(yuan(Decimal("1.500"))) == "1.50"
    assert str(yuan("-0")) == "0.00"
    assert str(yuan(" 8.8 ")) == "8.80"


def test_yuan_is_independent_of_the_callers_decimal_precision() -> None:
    with localcontext() as ctx:
        ctx.prec = 6
        assert str(yuan("123456789012.34")) == "123456789012.34"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (1.5, "money_float"),
        (0.1, "money_float"),
        (True, "money_format"),
        (None, "money_format"),
        ("", "money_format"),
        ("abc", "money_format"),
        ("1,234.50", "money_format"),
        ("¥12", "money_format"),
        ("1e5", "money_format"),
        ("+5", "money_format"),
        (".5", "money_format"),
        ("5.", "money_format"),
        ("１２", "money_format"),
        ("1.234", "money_precision"),
        ("1.230", "money_precision"),
        (Decimal("1.001"), "money_precision"),
        ("NaN", "money_not_finite"),
        ("-inf", "money_not_finite"),
        (Decimal("NaN"), "money_not_finite"),
        (Decimal("Infinity"), "money_not_finite"),
        ("10000000000000000", "money_range"),
        (Decimal("1E+30"), "money_range"),
    ],
)
def test_yuan_rejects(value: object, code: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        yuan(value)  # type: ignore[arg-type]
    assert caught.value.code == code
    assert caught.value.message_zh
    assert caught.value.message_en


def test_float_message_says_why() -> None:
    with pytest.raises(InvalidInput) as caught:
        yuan(0.1)  # type: ignore[arg-type]
    assert "浮点数" in caught.value.message_zh
    assert "float" in caught.value.message_en


def test_precision_is_rejected_not_rounded() -> None:
    with pytest.raises(InvalidInput) as caught:
        to_chinese_capital("0.005")
    assert caught.value.code == "money_precision"


def test_fen_round_trip() -> None:
    assert fen("12.34") == 1234
    assert fen(-5) == -500
    assert from_fen(1234) == Decimal("12.34")
    assert str(from_fen(5)) == "0.05"
    with pytest.raises(InvalidInput):
        from_fen(1.5)  # type: ignore[arg-type]


fens = st.integers(min_value=-(10**18) + 1, max_value=10**18 - 1)


@given(fens)
def test_fen_and_yuan_round_trip(amount_fen: int) -> None:
    amount = from_fen(amount_fen)
    assert fen(amount) == amount_fen
    assert yuan(str(amount)) == amount


@given(fens)
def test_format_cny_is_consistent(amount_fen: int) -> None:
    amount = from_fen(amount_fen)
    text = format_cny(amount)
    assert text.startswith("-¥" if amount < 0 else "¥")
    assert yuan(text.replace("¥", "").replace(",", "")) == amount
    digits = text.lstrip("-¥").split(".")[0]
    assert digits == f"{int(digits.replace(',', '')):,}"


@given(fens)
def test_chinese_capital_reads_back_and_follows_the_writing_rules(amount_fen: int) -> None:
    amount = from_fen(amount_fen)
    capital = to_chinese_capital(amount)
    assert parse_capital(capital) == amount
    assert "零零" not in capital
    body = capital.removeprefix("负").removesuffix("整")
    assert not body.endswith("零")
    assert capital.startswith("负") == (amount < 0)
    ends_in_fen = abs(amount_fen) % 10 != 0
    assert capital.endswith("分") == ends_in_fen
    assert capital.endswith("整") == (not ends_in_fen)
    if amount_fen and abs(amount_fen) < 100:
        assert "元" not in capital
    if abs(amount_fen) >= 100:
        assert not body.startswith("零")
    assert "万万" not in capital
    assert "亿亿" not in capital
