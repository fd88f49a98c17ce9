"""Every app's to-dos for one user, in one list: what the workspace opens with and what
``/api/v1/workspace/todos`` returns. Each app decides what the user may see; this module only
gathers and orders."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse

from ggzy.accounts.models import Role, User
from ggzy.auctions import selectors as auctions
from ggzy.awards import selectors as awards
from ggzy.deposits import selectors as deposits
from ggzy.entities import selectors as entities
from ggzy.evaluation import selectors as evaluation
from ggzy.experts.selectors.todos import todos as experts_todos
from ggzy.tendering import selectors as tendering
from ggzy.tendering.models import Lot
from ggzy.workcalendar.selectors import affected_trades
from ggzy.workcalendar.services import load_calendar
from ggzy.workspace.todo import Todo, in_order, todo


def calendar_todos(user: User) -> list[Todo]:
    """Centre staff: the trades whose deadlines differ from an official holiday schedule
    entered after they were published. Administrators: each year still on the provisional
    calendar, whose official schedule is to be entered."""
    if user.role not in (Role.CENTRE, Role.ADMIN) and not user.is_superuser:
        return []
    found = _affected(user)
    if user.role == Role.ADMIN or user.is_superuser:
        found += [
            todo(
                "workcalendar.enter_year",
                f"录入 {year} 年法定节假日安排",
                f"Enter the official holiday schedule for {year}",
                code=str(year),
                name="",
                link=reverse("admin:workcalendar_calendaryear_import"),
            )
            for year in sorted(load_calendar().provisional_years)
        ]
    return found


def _affected(user: User) -> list[Todo]:
    listed = [(y, t) for y in affected_trades(user) for t in y["trades"]]
    seen = _visible_codes(user, {str(t.get("trade", "")) for _, t in listed})
    return [
        todo(
            "workcalendar.affected",
            f"核对期限：{year['year']} 年正式节假日安排录入后，"
            f"{trade.get('what_zh', '')}与已公布的不同",
            f"Check a deadline: after the official {year['year']} schedule, "
            f"{trade.get('what_en', '')} differs from what was published",
            code=str(trade.get("trade", "")),
            name=str(trade.get("title", "")),
            link=str(trade.get("link", "")) or reverse("workcalendar:calendar"),
        )
        for year, trade in listed
        if trade.get("trade") in seen
    ]


def _visible_codes(user: User, codes: set[str]) -> set[str]:
    """Which of ``codes`` name a project, lot or sale the user may see."""
    projects = tendering.projects_visible_to(user)
    return (
        set(projects.filter(code__in=codes).values_list("code", flat=True))
        | set(
            Lot.objects.filter(project__in=projects, code__in=codes).values_list("code", flat=True)
        )
        | set(
            auctions.auctions_visible_to(user).filter(code__in=codes).values_list("code", flat=True)
        )
    )


SOURCES: tuple[Callable[[User], list[Todo]], ...] = (
    entities.todos,
    experts_todos,
    tendering.todos,
    evaluation.todos,
    awards.todos,
    deposits.todos,
    auctions.todos,
    calendar_todos,
)


def todos_for(user: User) -> list[Todo]:
    """The user's to-dos from every app: overdue first, then by deadline."""
    if not user.is_authenticated:
        return []
    return in_order(item for source in SOURCES for item in source(user))


def as_json(user: User) -> list[dict[str, Any]]:
    return [item.as_dict() for item in todos_for(user)]
