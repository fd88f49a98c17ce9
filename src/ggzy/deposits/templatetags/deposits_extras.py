from django import template

from ggzy.deposits.models import Deposit
from ggzy.deposits.periods import refund_note as note_of

register = template.Library()


@register.filter
def refund_note(deposit: Deposit) -> dict[str, object] | None:
    """The provisional-calendar note of a refund date, if it has one."""
    return note_of(deposit)
