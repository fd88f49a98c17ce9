"""Exact CNY amounts: ``Decimal`` yuan with two places, or integer fen. Never float.

``yuan()`` is the one way in: it accepts ``int``, ``Decimal`` or a plain numeric string and
refuses anything it would have to round or guess. ``to_chinese_capital()`` writes the
capitalised amount (大写金额) used on award notices and contracts, following the writing
rules attached to the PBOC 《支付结算办法》 (正确填写票据和结算凭证的基本规定).
"""

from __future__ import annotations

import re
from decimal import Context, Decimal

from ggzy.kernel.errors import InvalidInput

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
LIMIT = Decimal(10) ** 16  # amounts must stay below 一亿亿 (10^16) yuan
_PLAIN = re.compile(r"-?[0-9]+(?:\.[0-9]+)?", re.ASCII)

Amount = str | int | Decimal


def _error(message_zh: str, message_en: str, code: str, field: str | None) -> InvalidInput:
    return InvalidInput(message_zh, message_en, code=code, field=field)


def _from_str(value: str, field: str | None) -> Decimal:
    text = value.strip()
    if not _PLAIN.fullmatch(text):
        if text.lower().lstrip("+-") in {"nan", "snan", "inf", "infinity"}:
            raise _error(
                f"金额“{text}”不是有限数值",
                f"The amount '{text}' is not a finite number",
                "money_not_finite",
                field,
            )
        raise _error(
            f"金额“{value}”格式无效：只能包含数字、可选的小数点和前导负号，不能带千分位逗号或货币符号",
            f"The amount '{value}' is not a plain number: use digits, an optional decimal "
            "point and an optional leading minus sign, without thousands separators or "
            "currency symbols",
            "money_format",
            field,
        )
    places = len(text.partition(".")[2])
    if places > 2:
        raise _precision_error(value, field)
    return Decimal(text)


def _precision_error(value: Amount, field: str | None) -> InvalidInput:
    return _error(
        f"金额{value}的小数位超过2位（最小单位为分），请勿依赖自动舍入",
        f"The amount {value} has more than 2 decimal places (the smallest unit is one fen); "
        "it is not rounded for you",
        "money_precision",
        field,
    )


def yuan(value: Amount, *, field: str | None = None) -> Decimal:
    """The amount as a ``Decimal`` quantised to 0.01 yuan, or ``InvalidInput``.

    Rejects floats (``money_float``), NaN and infinities (``money_not_finite``), strings
    that are not plain numbers (``money_format``), more than two decimal places rather
    than rounding them (``money_precision``) and magnitudes of 10^16 yuan or more
    (``money_range``). A string may be written with at most two decimal places; a
    ``Decimal`` may carry trailing zeros from arithmetic (``Decimal("1.500")``) but no
    non-zero digit below one fen.
    """
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        if isinstance(value, float):
            raise _error(
                f"金额{value!r}是浮点数：浮点数不能精确表示金额，请以字符串或 Decimal 传入",
                f"The amount {value!r} is a float, which cannot represent money exactly; "
                "pass a string or a Decimal",
                "money_float",
                field,
            )
        raise _error(
            f"金额类型{type(value).__name__}无效，应为整数、Decimal 或数字字符串",
            f"An amount of type {type(value).__name__} is not accepted; pass an int, a "
            "Decimal or a numeric string",
            "money_format",
            field,
        )
    amount = _from_str(value, field) if isinstance(value, str) else Decimal(value)
    if not amount.is_finite():
        raise _error(
            f"金额{amount}不是有限数值",
            f"The amount {amount} is not a finite number",
            "money_not_finite",
            field,
        )
    if abs(amount) >= LIMIT:
        raise _error(
            f"金额{amount}超出范围：绝对值应小于10^16元",
            f"The amount {amount} is out of range: it must be smaller than 10^16 yuan",
            "money_range",
            field,
        )
    # A private context: the caller's precision must not make quantize() fail or round.
    quantised = amount.quantize(CENT, context=Context(prec=40))
    if quantised != amount:
        raise _precision_error(value, field)
    return quantised if quantised else ZERO  # never "-0.00"


def fen(amount: Amount, *, field: str | None = None) -> int:
    """The amount in integer fen (分): ``fen("12.34") == 1234``."""
    return int(yuan(amount, field=field) * 100)


def from_fen(value: int) -> Decimal:
    """Integer fen back to yuan: ``from_fen(1234) == Decimal("12.34")``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise _error(
            f"分值{value!r}应为整数",
            f"An amount in fen must be an integer; got {value!r}",
            "money_format",
            None,
        )
    return yuan(Decimal(value).scaleb(-2))


def format_cny(amount: Amount) -> str:
    """``¥1,234.56``; negative amounts as ``-¥1,234.56``."""
    value = yuan(amount)
    sign = "-" if value < 0 else ""
    return f"{sign}¥{abs(value):,.2f}"


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_UNITS = ("", "拾", "佰", "仟")
_WAN = 10**4
_YI = 10**8


def _below_wan(number: int) -> str:
    """1–9999: one 零 for each run of zeros between non-zero digits, none at the end."""
    out: list[str] = []
    zero_pending = False
    for place in (3, 2, 1, 0):
        digit = number // 10**place % 10
        if digit == 0:
            zero_pending = bool(out)
            continue
        if zero_pending:
            out.append("零")
            zero_pending = False
        out.append(_DIGITS[digit] + _UNITS[place])
    return "".join(out)


def _integer(number: int) -> str:
    """A positive integer below 10^16, grouped by 万 and 亿 (10^12 reads 壹万亿)."""
    for scale, name in ((_YI, "亿"), (_WAN, "万")):
        if number >= scale:
            high, low = divmod(number, scale)
            tail = ""
            if low:
                # the low group starts with a zero digit: 壹亿零伍佰万, 壹万零壹
                tail = ("零" if low < scale // 10 else "") + _integer(low)
            return _integer(high) + name + tail
    return _below_wan(number)


def to_chinese_capital(amount: Amount) -> str:
    """The capitalised amount: 1234.56 → 壹仟贰佰叁拾肆元伍角陆分, 100 → 壹佰元整.

    Rules (PBOC 正确填写票据和结算凭证的基本规定): a run of zeros inside the number is one
    零; when 角 is zero and 分 is not, 零 follows 元 (壹元零伍分); an amount ending in 元
    or 角 ends with 整, one ending in 分 does not; amounts below one yuan have no 元 part
    (伍角整); zero is 零元整; negative amounts start with 负.
    """
    value = yuan(amount)
    total_fen = abs(int(value * 100))
    whole, cents = divmod(total_fen, 100)
    jiao, fen_digit = divmod(cents, 10)
    if total_fen == 0:
        return "零元整"
    parts: list[str] = []
    if whole:
        parts.append(_integer(whole) + "元")
    if jiao:
        parts.append(_DIGITS[jiao] + "角")
    elif fen_digit and whole:
        parts.append("零")
    if fen_digit:
        parts.append(_DIGITS[fen_digit] + "分")
    else:
        parts.append("整")
    return ("负" if value < 0 else "") + "".join(parts)
