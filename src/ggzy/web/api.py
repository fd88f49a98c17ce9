"""The workspace over the API, mounted at /api/v1/workspace (thin)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from ggzy.accounts.models import User

from .selectors import as_json

router = Router(tags=["workspace 工作台"])


class TodoOut(Schema):
    kind: str
    title_zh: str
    title_en: str
    code: str
    name: str
    link: str
    deadline: str | None  # ISO 8601: a date, or an instant with its offset
    overdue: bool
    rule: str | None
    citation_zh: str
    citation_en: str
    calendar_note: dict[str, Any] | None


@router.get("/todos", response=list[TodoOut])
def todos(request: HttpRequest) -> list[dict[str, Any]]:
    """What the caller has to do now, overdue first, then by deadline (the workspace's list)."""
    user: User = request.auth  # type: ignore[attr-defined]
    return as_json(user)
