"""``ggzy calendar …``: which years are official or provisional, counting working days, the
provisional rule for any year, and entering a year's official schedule.

The parser is built before Django is set up, so the handlers import what they use.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from datetime import date
from pathlib import Path

from ggzy.kernel import provisional_calendar
from ggzy.kernel.errors import DomainError


def _fail(exc: DomainError) -> int:
    print(exc.message_zh, file=sys.stderr)
    print(exc.message_en, file=sys.stderr)
    return 1


def status(args: argparse.Namespace) -> int:
    from .models import CalendarYear
    from .services import load_calendar

    calendar = load_calendar()
    rows = {y.year: y for y in CalendarYear.objects.all()}
    for year in sorted(calendar.known_years):
        if year in calendar.provisional_years:
            print(
                f"{year}  临时 provisional   周末及各法定节假日前后窗口 / weekends, holiday windows"
            )
            continue
        row = rows[year]
        when = f"，{row.imported_by} 录入于 {row.imported_at:%Y-%m-%d}" if row.imported_at else ""
        print(f"{year}  正式 official      {row.get_source_display()}：{row.note}{when}")
    last = max(calendar.known_years)
    print(f"{last} 年以后不在工作日历范围内 / years after {last} are not covered")
    return 0


def add(args: argparse.Namespace) -> int:
    from .periods import provisional_note
    from .services import load_calendar

    try:
        start = date.fromisoformat(args.date)
    except ValueError:
        print(f"日期“{args.date}”应为 YYYY-MM-DD / the date must be YYYY-MM-DD", file=sys.stderr)
        return 2
    try:
        end = load_calendar().add_workdays(start, args.n)
    except DomainError as exc:
        return _fail(exc)
    print(end.isoformat())
    note = provisional_note(start, end)
    if note is None:
        print("按正式节假日安排计算 / counted on the official schedule")
    else:
        print(f"临时 provisional：{note.reason_zh}")
        print(note.reason_en)
    return 0


def provisional(args: argparse.Namespace) -> int:
    from .services import calendar_state

    year = args.year
    state = calendar_state()
    if year in state.calendar.provisional_years:
        standing = "provisional"
    else:
        standing = "official" if year in state.official else "not covered"
    print(
        json.dumps(
            {
                "year": year,
                "this_year_is": standing,
                "rule": "weekends, and a window around each statutory holiday covering every "
                "day any known official schedule gave it (kernel/provisional_calendar.py)",
                "windows": [
                    {
                        "holiday": w.holiday.name_zh,
                        "from": w.first.isoformat(),
                        "to": w.last.isoformat(),
                    }
                    for w in provisional_calendar.windows(year)
                ],
                "rest_days": [d.isoformat() for d in provisional_calendar.rest_days(year)],
            },
            ensure_ascii=False,
            indent=2,
        )
    )
    return 0


def import_file(args: argparse.Namespace) -> int:
    from .imports import import_schedule, parse_schedule

    try:
        raw = Path(args.file).read_bytes()
    except OSError as exc:
        print(f"无法读取文件：{exc}\ncannot read the file: {exc}", file=sys.stderr)
        return 2
    try:
        result = import_schedule(schedule=parse_schedule(raw), actor=f"cli:{getpass.getuser()}")
    except DomainError as exc:
        return _fail(exc)
    year = result.year
    rest, work = (year.days.filter(kind=kind).count() for kind in ("holiday", "workday"))
    print(f"{year.year} 年正式节假日安排已录入：休息日 {rest} 天、调休上班日 {work} 天")
    print(f"the {year.year} schedule is entered: {rest} rest days, {work} adjusted working days")
    if result.affected:
        n = len(result.affected)
        print(f"以下 {n} 个进行中交易的期限按正式安排计算会不同（已公布的期限保持不变）：")
        print(
            f"{len(result.affected)} open trades' deadlines differ on the official schedule "
            "(published deadlines are kept):"
        )
        for a in result.affected:
            dates = f"已公布 {a['published']}，按正式安排 {a['official']}"
            print(f"  {a['trade']} {a['what_zh']}：{dates}")
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    calendar = sub.add_parser("calendar", help="the working-day calendar").add_subparsers(
        dest="calendar_command", required=True
    )
    calendar.add_parser("status", help="list the years, official or provisional").set_defaults(
        handler=status
    )
    p = calendar.add_parser("add", help="the date N working days after DATE")
    p.set_defaults(handler=add)
    p.add_argument("date", help="YYYY-MM-DD")
    p.add_argument("n", type=int)
    p = calendar.add_parser("provisional", help="the provisional rule's rest days of YEAR (JSON)")
    p.set_defaults(handler=provisional)
    p.add_argument("year", type=int)
    p = calendar.add_parser("import", help="enter a year's official holiday schedule (JSON)")
    p.set_defaults(handler=import_file)
    p.add_argument("file")
