"""How long a to-do has left, in words: 剩余 3 天, 已逾期 2 小时, 今天到期."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils.translation import gettext, ngettext

from ggzy.kernel import clock
from ggzy.workspace.todo import Todo

register = template.Library()


def _span(seconds: int) -> str:
    days, hours, minutes = seconds // 86400, seconds // 3600, max(seconds // 60, 1)
    if days:
        return ngettext("%(n)d 天", "%(n)d 天", days) % {"n": days}
    if hours:
        return ngettext("%(n)d 小时", "%(n)d 小时", hours) % {"n": hours}
    return ngettext("%(n)d 分钟", "%(n)d 分钟", minutes) % {"n": minutes}


@register.filter
def remaining(item: Todo) -> str:
    """A day's deadline counts in whole days; an instant's in days, hours or minutes."""
    if item.deadline is None:
        return ""
    if isinstance(item.deadline, datetime):
        left = item.remaining
        assert left is not None
        seconds = int(left.total_seconds())
    else:
        days = (item.deadline - clock.today()).days
        if days == 0:
            return gettext("今天到期")
        seconds = days * 86400
    if seconds <= 0:
        return gettext("已逾期 %(span)s") % {"span": _span(-seconds)}
    return gettext("剩余 %(span)s") % {"span": _span(seconds)}
