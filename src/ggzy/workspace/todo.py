"""A to-do (待办事项): one thing a person has to do now on the platform, with where to do it
and by when. Each app's ``selectors.todos(user)`` returns the ones it owns, drawn only from
what the user may see; the workspace and ``/api/v1/workspace/todos`` list them together."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from ggzy.kernel import clock, rules
from ggzy.workcalendar.periods import working_day_note

Deadline = datetime | date


@dataclass(frozen=True)
class Todo:
    """``kind`` is a stable key (``app.what``); ``code``/``name`` name the trade, lot or
    record it concerns; ``rule`` is the ``kernel.rules`` id when the deadline is statutory;
    ``note`` is the provisional-calendar note of a working-day deadline (``as_dict()``)."""

    kind: str
    title_zh: str
    title_en: str
    code: str
    name: str
    link: str
    deadline: Deadline | None = None
    rule: str | None = None
    note: dict[str, Any] | None = None

    @property
    def due_at(self) -> datetime | None:
        """The deadline as an instant: a date runs to the end of that day in Beijing."""
        if self.deadline is None or isinstance(self.deadline, datetime):
            return self.deadline
        return datetime.combine(self.deadline + timedelta(days=1), time(), clock.SHANGHAI)

    @property
    def remaining(self) -> timedelta | None:
        due = self.due_at
        return None if due is None else due - clock.now()

    @property
    def overdue(self) -> bool:
        left = self.remaining
        return left is not None and left <= timedelta(0)

    @property
    def deadline_text(self) -> str:
        """The deadline as people here read it: a local time to the minute, or a day."""
        if self.deadline is None:
            return ""
        if isinstance(self.deadline, datetime):
            return self.deadline.astimezone(clock.SHANGHAI).strftime("%Y-%m-%d %H:%M")
        return self.deadline.isoformat()

    @property
    def citation_zh(self) -> str:
        return rules.get(self.rule).citation_zh if self.rule else ""

    @property
    def citation_en(self) -> str:
        return rules.get(self.rule).citation_en if self.rule else ""

    def as_dict(self) -> dict[str, Any]:
        """The to-do as JSON: dates and instants in ISO 8601."""
        return {
            "kind": self.kind,
            "title_zh": self.title_zh,
            "title_en": self.title_en,
            "code": self.code,
            "name": self.name,
            "link": self.link,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "overdue": self.overdue,
            "rule": self.rule,
            "citation_zh": self.citation_zh,
            "citation_en": self.citation_en,
            "calendar_note": self.note,
        }


def todo(
    kind: str,
    title_zh: str,
    title_en: str,
    *,
    code: str,
    name: str,
    link: str,
    deadline: Deadline | None = None,
    rule: str | None = None,
    since: Deadline | None = None,
) -> Todo:
    """A to-do; when ``rule`` counts working days from ``since`` to the deadline across a
    provisional calendar year, it carries that year's note."""
    note = working_day_note((rule, since, deadline)) if since is not None else None
    return Todo(
        kind=kind,
        title_zh=title_zh,
        title_en=title_en,
        code=code,
        name=name,
        link=link,
        deadline=deadline,
        rule=rule,
        note=note.as_dict() if note else None,
    )


def in_order(todos: Iterable[Todo]) -> list[Todo]:
    """Overdue first, then by deadline (soonest first), then the undated ones."""
    never = datetime.max.replace(tzinfo=clock.SHANGHAI)

    def key(item: Todo) -> tuple[bool, datetime, str, str]:
        return (not item.overdue, item.due_at or never, item.code, item.kind)

    return sorted(todos, key=key)
