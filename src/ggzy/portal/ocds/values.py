"""Values in OCDS form: times in Beijing time, money, and JSON with exact amounts."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from ggzy.kernel import clock

CURRENCY = "CNY"
LANGUAGE = "zh"


def instant(at: datetime) -> str:
    """RFC 3339 in Beijing time."""
    return at.astimezone(clock.SHANGHAI).isoformat()


def day_start_at(day: date) -> datetime:
    """Local (China) midnight starting ``day``."""
    return datetime.combine(day, time(0), tzinfo=clock.SHANGHAI)


def day_start(day: date) -> str:
    """A date the platform keeps without a time (signing, report dates): local midnight."""
    return instant(day_start_at(day))


def money(amount: Decimal) -> dict[str, Any]:
    return {"amount": amount, "currency": CURRENCY}


def dumps(data: Any) -> str:
    """JSON with every ``Decimal`` written as the exact number it is (``8400000.00``), never
    through a float; everything else as ``json.dumps`` writes it (UTF-8, not escaped)."""
    parts: list[str] = []
    _write(data, parts.append)
    return "".join(parts)


def _write(value: Any, out: Callable[[str], object]) -> None:
    if isinstance(value, Mapping):
        out("{")
        for n, (key, item) in enumerate(value.items()):
            out("," if n else "")
            out(json.dumps(str(key), ensure_ascii=False) + ":")
            _write(item, out)
        out("}")
    elif isinstance(value, list | tuple):
        out("[")
        for n, item in enumerate(value):
            out("," if n else "")
            _write(item, out)
        out("]")
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"not a finite amount: {value}")
        out(format(value, "f"))
    else:
        out(json.dumps(value, ensure_ascii=False))
