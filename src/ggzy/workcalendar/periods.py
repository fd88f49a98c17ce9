"""Statutory periods measured as the rules measure them: calendar days or working days
between the local dates of two instants, each shortfall refused with the rule's citation;
the last day of a period; and the note a period counted on a provisional year carries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ggzy.kernel import clock, rules
from ggzy.kernel.errors import DomainError
from ggzy.kernel.workdays import WorkCalendar

from .services import calendar_state, load_calendar


def local_day(moment: datetime | date) -> date:
    return moment.astimezone(clock.SHANGHAI).date() if isinstance(moment, datetime) else moment


def days_between(start: datetime, end: datetime) -> int:
    """Calendar days between the dates of two instants, in Asia/Shanghai."""
    return (local_day(end) - local_day(start)).days


def count_period(calendar: WorkCalendar, rule_id: str, start: date, end: date) -> int:
    """The length of a minimum period from ``start`` to ``end`` in the rule's unit."""
    if rules.get(rule_id).unit == "working_days":
        # The first day counts when it is a working day (文件提供期限自开始发出之日起计算).
        return calendar.workdays_between(start, end) + calendar.is_workday(start)
    return (end - start).days


def period_length(rule_id: str, start: datetime, end: datetime) -> int:
    """The length of a period in the rule's unit (days or working days); only working days
    read the calendar."""
    if rules.get(rule_id).unit != "working_days":
        return days_between(start, end)
    return count_period(load_calendar(), rule_id, local_day(start), local_day(end))


def _unit(rule_id: str) -> tuple[str, str]:
    return (
        ("个工作日", "working days")
        if rules.get(rule_id).unit == "working_days"
        else ("日", "days")
    )


def require_period(
    rule_id: str | None, start: datetime, end: datetime, what_zh: str, what_en: str, field: str
) -> None:
    if rule_id is None:
        return
    minimum, actual = rules.int_value(rule_id), period_length(rule_id, start, end)
    if actual < minimum:
        zh_unit, en_unit = _unit(rule_id)
        raise rules.violation(
            rule_id,
            f"{what_zh}为{actual}{zh_unit}，不得少于{minimum}{zh_unit}",
            f"{what_en} is {actual} {en_unit}; the minimum is {minimum} {en_unit}",
            field=field,
            code="period_too_short",
        )


def last_day(rule_id: str, start: datetime | date, *, since: datetime | None = None) -> date | None:
    """The last day of the rule's period starting at ``start`` (N days, or the N-th working
    day after it); None when the calendar does not cover it (undated, never guessed).

    A deadline never moves earlier: when a year became official after ``since`` (by default
    ``start``, the moment the period began), the day is counted on the provisional calendar
    too, and the later of the two kept.
    """
    day, n = local_day(start), rules.int_value(rule_id)
    if rules.get(rule_id).unit != "working_days":
        return load_calendar().add_days(day, n)
    state = calendar_state()
    try:
        end = state.calendar.add_workdays(day, n)
        since = since or (start if isinstance(start, datetime) else None)
        if since is None:
            return end
        later = {
            year
            for year, official in state.official.items()
            if official.imported_at is not None and official.imported_at > since
            if day.year <= year
        }
        if later:
            end = max(end, state.with_provisional(later).add_workdays(day, n))
        return end
    except DomainError as exc:
        if exc.code != "calendar_unknown_year":
            raise
        return None


@dataclass(frozen=True)
class ProvisionalNote:
    """Why a period's dates may change: it was counted, at least in part, on the provisional
    calendar of these years."""

    years: tuple[int, ...]

    @property
    def reason_zh(self) -> str:
        years = "、".join(str(y) for y in self.years)
        return (
            f"按临时工作日历计算：{years}年的法定节假日安排尚未公布或尚未录入。临时日历把周末和"
            "各法定节假日前后可能放假的日子都算作休息日，期限只会比正式安排更长；正式安排录入后，"
            "已公布的期限不会提前。"
        )

    @property
    def reason_en(self) -> str:
        years = ", ".join(str(y) for y in self.years)
        return (
            f"Counted on the provisional working-day calendar: the official holiday schedule "
            f"for {years} is not published or not entered yet. The provisional calendar treats "
            "weekends and every day around each statutory holiday that may be a day off as "
            "rest days, so the period is never shorter than on the official schedule; once "
            "that is entered, a published deadline never moves earlier."
        )

    def as_dict(self) -> dict[str, Any]:
        return {"years": list(self.years), "reason_zh": self.reason_zh, "reason_en": self.reason_en}


def provisional_note(*moments: datetime | date | None) -> ProvisionalNote | None:
    """The note for a period spanning ``moments`` (None ones ignored), if any of its years is
    provisional."""
    days = [local_day(m) for m in moments if m is not None]
    years = load_calendar().provisional_between(*days)
    return ProvisionalNote(tuple(years)) if years else None


Period = tuple[str | None, datetime | date | None, datetime | date | None]


def working_day_note(*periods: Period) -> ProvisionalNote | None:
    """The note for periods given as (rule id, start, end), when any of them counts working
    days across a provisional year; periods without a rule or a date are skipped."""
    calendar, years = load_calendar(), set()
    for rule_id, start, end in periods:
        if rule_id and start and end and rules.get(rule_id).unit == "working_days":
            years.update(calendar.provisional_between(local_day(start), local_day(end)))
    return ProvisionalNote(tuple(sorted(years))) if years else None


def notice_text(*periods: Period) -> str:
    """The paragraph a notice carries when its periods were counted provisionally."""
    note = working_day_note(*periods)
    return f"\n\n【工作日历说明】{note.reason_zh}" if note else ""
