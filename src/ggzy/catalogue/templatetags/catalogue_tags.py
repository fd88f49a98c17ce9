"""Template helpers for catalogue pages: ``{{ amount|cny }}`` → ``¥4,000,000.00``."""

from __future__ import annotations

from decimal import Decimal

from django import template

from ggzy.kernel.money import format_cny

register = template.Library()


@register.filter
def cny(value: Decimal | int | str | None) -> str:
    """An amount in yuan as ``¥1,234.56``; an empty amount as an em dash."""
    if value is None or value == "":
        return "—"
    return format_cny(value)
