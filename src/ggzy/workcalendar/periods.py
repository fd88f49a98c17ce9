"""Statutory periods measured as the rules measure them: calendar days or working days
between the local dates of two instants, each shortfall refused with the rule's citation."""

from __future__ import annotations

from datetime import datetime

from ggzy.kernel import clock, rules

from .services import load_calendar


def days_between(start: datetime, end: datetime) -> int:
    """Calendar days between the dates of two instants, in Asia/Shanghai."""
    return (end.astimezone(clock.SHANGHAI).date() - start.astimezone(clock.SHANGHAI).date()).days


def period_length(rule_id: str, start: datetime, end: datetime) -> int:
    """The length of a period in the rule's unit (days or working days)."""
    if rules.get(rule_id).unit == "working_days":
        start_day = start.astimezone(clock.SHANGHAI).date()
        end_day = end.astimezone(clock.SHANGHAI).date()
        # The first day counts when it is a working day (文件提供期限自开始发出之日起计算).
        calendar = load_calendar()
        return calendar.workdays_between(start_day, end_day) + calendar.is_workday(start_day)
    return days_between(start, end)


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
