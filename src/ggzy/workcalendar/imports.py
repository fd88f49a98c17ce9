"""Entering a year's official holiday schedule (录入正式节假日安排): the only write path of the
calendar after the seed. The admin page and ``ggzy calendar import FILE`` both call
``import_schedule``.

The file is JSON::

    {"year": 2027,
     "source": "国务院办公厅关于2027年部分节假日安排的通知",
     "rest_days": [{"date": "2027-01-01", "name": "元旦"},
                   {"from": "2027-02-05", "to": "2027-02-11", "name": "春节"}],
     "workdays": [{"date": "2027-02-14", "name": "春节"}]}

``rest_days`` are the holidays (weekend days inside a holiday may be listed or not);
``workdays`` are the adjusted working days (调休上班日), each a Saturday or Sunday. An entry
may also be a bare date string.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction

from ggzy.core.services import record
from ggzy.kernel import clock, rules
from ggzy.kernel.errors import Conflict, InvalidInput, RuleViolation
from ggzy.kernel.workdays import WorkCalendar
from ggzy.workcalendar import events

from . import published
from .models import CalendarDay, CalendarYear
from .services import OfficialYear, build_calendar, calendar_state, clear_cache, provisional_horizon

MAX_SPAN_DAYS = 31  # a holiday range longer than a month is a typing error


@dataclass(frozen=True)
class Schedule:
    year: int
    source: str
    rest_days: Mapping[date, str]
    workdays: Mapping[date, str] = field(default_factory=dict)


def _malformed(detail_zh: str, detail_en: str, *, field: str | None = None) -> InvalidInput:
    return InvalidInput(
        f"节假日安排文件格式有误：{detail_zh}",
        f"the holiday schedule file is malformed: {detail_en}",
        code="calendar_file_malformed",
        field=field,
    )


def _date(value: Any, where: str) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise _malformed(
            f"{where}的日期“{value}”不是 YYYY-MM-DD 格式",
            f"{where}: the date {value!r} is not YYYY-MM-DD",
            field=where,
        ) from None


def _days(entries: Any, key: str) -> dict[date, str]:
    if entries is None:
        return {}
    if not isinstance(entries, list):
        raise _malformed(f"“{key}”应为列表", f"{key!r} must be a list", field=key)
    found: dict[date, str] = {}
    for i, entry in enumerate(entries):
        where = f"{key}[{i}]"
        if isinstance(entry, str):
            entry = {"date": entry}
        if not isinstance(entry, dict) or not (
            {"date"} <= entry.keys() or {"from", "to"} <= entry.keys()
        ):
            raise _malformed(
                f"{where}应为日期，或含 date（或 from 和 to）与 name 的对象",
                f"{where} must be a date, or an object with date (or from and to) and name",
                field=key,
            )
        name = str(entry.get("name") or "").strip()[:100]
        first = _date(entry.get("date") or entry.get("from"), where)
        last = _date(entry["to"], where) if "to" in entry else first
        if not first <= last <= first + timedelta(days=MAX_SPAN_DAYS):
            raise _malformed(
                f"{where}的日期范围 {first}—{last} 有误（须从早到晚，且不超过{MAX_SPAN_DAYS}天）",
                f"{where}: the range {first} to {last} must run forward and span at most "
                f"{MAX_SPAN_DAYS} days",
                field=key,
            )
        day = first
        while day <= last:
            found[day] = name or found.get(day, "")
            day += timedelta(days=1)
    return found


def parse_schedule(raw: bytes | str) -> Schedule:
    """Read and check a schedule file; every problem is a clear ``InvalidInput``."""
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise _malformed(f"不是有效的 JSON（{exc}）", f"not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise _malformed("顶层应为对象", "the top level must be an object")
    year = data.get("year")
    if not isinstance(year, int) or isinstance(year, bool) or not 1949 <= year <= 2200:
        raise _malformed(
            "“year”应为 1949 至 2200 之间的整数", "year must be 1949 to 2200", field="year"
        )
    source = str(data.get("source") or "").strip()
    if not source:
        raise _malformed(
            "缺少“source”（国务院办公厅通知的名称或文号）",
            "source (the State Council notice) is missing",
            field="source",
        )
    schedule = Schedule(
        year,
        source[:200],
        _days(data.get("rest_days"), "rest_days"),
        _days(data.get("workdays"), "workdays"),
    )
    check_schedule(schedule)
    return schedule


def check_schedule(schedule: Schedule) -> None:
    """Each day in the year; no day both rest and working; adjusted working days on weekends."""
    for day in sorted({*schedule.rest_days, *schedule.workdays}):
        if day.year != schedule.year:
            raise InvalidInput(
                f"日期 {day} 不在 {schedule.year} 年内",
                f"the date {day} is not in {schedule.year}",
                code="calendar_wrong_year",
                field="rest_days" if day in schedule.rest_days else "workdays",
            )
    both = sorted(schedule.rest_days.keys() & schedule.workdays.keys())
    if both:
        raise InvalidInput(
            f"日期 {both[0]} 不能既是休息日又是调休上班日",
            f"the date {both[0]} cannot be both a rest day and an adjusted working day",
            code="calendar_conflict",
            field="workdays",
        )
    weekday = sorted(d for d in schedule.workdays if d.weekday() < 5)
    if weekday:
        raise InvalidInput(
            f"{weekday[0]} 是周一至周五，本来就是工作日；调休上班日应为周六或周日",
            f"{weekday[0]} is a weekday, a working day anyway: adjusted working days are "
            "Saturdays or Sundays",
            code="calendar_workday_weekday",
            field="workdays",
        )
    if not schedule.rest_days:
        raise _malformed("“rest_days”为空", "rest_days is empty", field="rest_days")


def _already_official(year: int) -> Conflict:
    return Conflict(
        f"{year}年已有正式节假日安排，不能再次录入",
        f"{year} already has an official holiday schedule",
        code="calendar_year_official",
        field="year",
    )


@dataclass(frozen=True)
class ImportResult:
    year: CalendarYear
    affected: list[dict[str, Any]]


def _compare(
    year: int, before: WorkCalendar, after: WorkCalendar
) -> tuple[list[tuple[str, str]], list[dict[str, Any]]]:
    """(what would fall short, in Chinese and English; what would differ) among the open
    trades' published periods."""
    short, differ = [], []
    for period in published.touching(year, clock.today()):
        old, new = period.length(before), period.length(after)
        if new < period.required and new < old:
            rule = rules.get(period.rule_id)
            short.append(
                (
                    f"{period.trade}「{period.title}」{period.what_zh}将由{old}个工作日变为{new}"
                    f"个工作日，少于{rule.citation_zh}规定的{period.required}个工作日",
                    f"{period.trade} ({period.what_en}) would go from {old} to {new} working "
                    f"days, less than the {period.required} of {rule.citation_en}",
                )
            )
            continue
        official_end = period.end_on(after)
        if new != old or official_end != period.end:
            differ.append(
                {
                    "trade": period.trade,
                    "title": period.title,
                    "what_zh": period.what_zh,
                    "what_en": period.what_en,
                    "rule": period.rule_id,
                    "published": period.end.isoformat(),
                    "official": official_end.isoformat(),
                    "length_before": old,
                    "length_after": new,
                    "link": period.link,
                }
            )
    return short, differ


@transaction.atomic
def import_schedule(*, schedule: Schedule, actor: str) -> ImportResult:
    """Make ``schedule`` the official calendar of its year, witnessed in the ledger.

    Refused when the year is already official, or when a published period of an open trade
    would become shorter than the law requires (naming the trades). Nothing is half-written.
    """
    check_schedule(schedule)
    if CalendarYear.objects.select_for_update().filter(year=schedule.year).exists():
        raise _already_official(schedule.year)
    clear_cache()
    now = clock.now()
    state = calendar_state()
    official = {
        **state.official,
        schedule.year: OfficialYear(
            frozenset(schedule.rest_days), frozenset(schedule.workdays), now
        ),
    }
    after = build_calendar(official, provisional_horizon())
    short, differ = _compare(schedule.year, state.calendar, after)
    if short:
        raise RuleViolation(
            "录入后以下已公布的期限将短于法定期限，请先顺延这些交易的期限："
            + "；".join(zh for zh, _ in short),
            "after this import these published periods would be shorter than the law allows; "
            "extend them first: " + "; ".join(en for _, en in short),
            code="calendar_shortens_period",
        )
    try:
        with transaction.atomic():
            year = CalendarYear.objects.create(
                year=schedule.year,
                source=CalendarYear.Source.ADMIN,
                note=schedule.source,
                imported_at=now,
                imported_by=actor,
                affected=differ,
            )
    except IntegrityError:
        raise _already_official(schedule.year) from None
    CalendarDay.objects.bulk_create(
        [
            *(
                CalendarDay(calendar_year=year, date=d, kind=CalendarDay.Kind.HOLIDAY, name=n)
                for d, n in sorted(schedule.rest_days.items())
            ),
            *(
                CalendarDay(calendar_year=year, date=d, kind=CalendarDay.Kind.WORKDAY, name=n)
                for d, n in sorted(schedule.workdays.items())
            ),
        ]
    )
    clear_cache()
    record(
        events.CALENDAR_IMPORTED,
        subject=f"calendar:{schedule.year}",
        actor=actor,
        payload={
            "year": schedule.year,
            "source": schedule.source,
            "rest_days": sorted(schedule.rest_days),
            "workdays": sorted(schedule.workdays),
            "affected": [a["trade"] for a in differ],
        },
    )
    transaction.on_commit(clear_cache)
    return ImportResult(year, differ)
