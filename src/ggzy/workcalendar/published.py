"""Published working-day periods of open trades, gathered from the apps that own them.

When an official schedule is entered, each published period that touches its year is counted
again on it: one that would fall below its statutory length refuses the import, and one whose
dates would now differ is listed for centre staff (the published dates are kept). The apps
register a source each in their ``AppConfig.ready()``; the calendar imports none of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from ggzy.kernel import rules
from ggzy.kernel.workdays import WorkCalendar

from .periods import Period, count_period, local_day

Kind = Literal["minimum", "deadline"]


@dataclass(frozen=True)
class PublishedPeriod:
    """A working-day period as it was published.

    ``minimum``: an entered end that the law requires to be at least N working days away
    (文件提供期限, 公告期), counted with its first day. ``deadline``: a last day the platform
    computed as the N-th working day after ``start`` (答复期限, 退还期限).
    """

    trade: str
    title: str
    what_zh: str
    what_en: str
    rule_id: str
    kind: Kind
    start: date
    end: date
    link: str = ""

    @property
    def required(self) -> int:
        return rules.int_value(self.rule_id)

    def length(self, calendar: WorkCalendar) -> int:
        if self.kind == "minimum":
            return count_period(calendar, self.rule_id, self.start, self.end)
        return calendar.workdays_between(self.start, self.end)

    def end_on(self, calendar: WorkCalendar) -> date:
        """Where the period would end on ``calendar``: an entered end stays; a computed
        deadline is the N-th working day after the start."""
        if self.kind == "minimum":
            return self.end
        return calendar.add_workdays(self.start, self.required)


def minimum_periods(
    periods: Iterable[tuple[Period, str, str]],
    *,
    year: int,
    today: date,
    trade: str,
    title: str,
    link: str,
) -> Iterable[PublishedPeriod]:
    """Of a trade's (rule, start, end) minimum periods with what they are, those counted in
    working days that end on or after ``today`` and touch ``year``."""
    for (rule_id, start, end), what_zh, what_en in periods:
        if not (rule_id and start and end) or rules.get(rule_id).unit != "working_days":
            continue
        first, last = local_day(start), local_day(end)
        if last >= today and first.year <= year <= last.year:
            yield PublishedPeriod(
                trade, title, what_zh, what_en, rule_id, "minimum", first, last, link
            )


# A source yields the periods of its open trades that end on or after ``today`` and touch
# ``year``.
Source = Callable[[int, date], Iterable[PublishedPeriod]]
_SOURCES: dict[str, Source] = {}


def register(name: str, source: Source) -> None:
    _SOURCES[name] = source


def touching(year: int, today: date) -> list[PublishedPeriod]:
    found = [p for source in _SOURCES.values() for p in source(year, today)]
    return sorted(found, key=lambda p: (p.trade, p.start, p.what_zh))
