"""What the expert pool asks of people now: centre staff review profile changes and see
their centre's draws through; an expert answers invitations."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Max
from django.urls import reverse

from ggzy.accounts.access import centre_desk
from ggzy.accounts.models import User
from ggzy.accounts.selectors import is_centre_staff
from ggzy.kernel import rules
from ggzy.workspace.todo import Todo, todo

from ..models import DrawAttempt, DrawMode, DrawRequest, Invitation
from .draws import invitations_of, requests_visible_to
from .pool import expert_of, pending_changes

DRAW_RULE = "experts.draw_min_hours_before_opening"


def todos(user: User) -> list[Todo]:
    if not user.is_authenticated:
        return []
    if is_centre_staff(user):
        return [*_changes(user), *_draws(user)]
    if expert_of(user) is not None:
        return _invitations(user)
    return []


def _changes(user: User) -> list[Todo]:
    return [
        todo(
            "experts.review_change",
            "审核专家信息变更",
            "Review an expert's profile change",
            code="",
            name=change.expert.name,
            link=reverse("experts:change", args=[change.pk]),
        )
        for change in pending_changes(user)
    ]


def _draws(user: User) -> list[Todo]:
    """The open draw requests of the user's centre: not drawn yet (due before the opening,
    local evaluation at least three hours before), or waiting for experts to confirm."""
    desk = centre_desk(user)
    if desk is None:
        return []
    open_requests = (
        requests_visible_to(user)
        .filter(desk, status=DrawRequest.Status.OPEN)
        .order_by("opening_at")
    )
    drawn = set(
        DrawAttempt.objects.filter(
            request__in=open_requests, supplementary=False, status=DrawAttempt.Status.DRAWN
        ).values_list("request_id", flat=True)
    )
    pending = Invitation.objects.filter(request__in=open_requests, status=Invitation.Status.PENDING)
    reply_by = dict(
        pending.values("request_id")
        .annotate(last=Max("reply_by"))
        .values_list("request_id", "last")
    )
    found = []
    for request in open_requests:
        if request.pk not in drawn:
            # Local evaluation: drawn at least three hours before the opening (Xiangxi rule).
            local = request.mode == DrawMode.LOCAL
            hours = rules.int_value(DRAW_RULE) if local else 0
            due = request.opening_at - timedelta(hours=hours)
            rule = DRAW_RULE if local else None
            found.append(_draw(request, "draw", "抽取评标专家", "Draw the experts", due, rule))
        elif request.pk in reply_by:
            zh, en = "等待抽中专家确认", "Experts drawn: confirmations awaited"
            found.append(_draw(request, "await_confirmations", zh, en, reply_by[request.pk]))
        else:
            zh, en = "专家确认人数不足：补抽", "Too few experts confirmed: draw more"
            found.append(_draw(request, "short", zh, en, request.opening_at))
    return found


def _draw(
    request: DrawRequest, kind: str, zh: str, en: str, due: datetime, rule: str | None = None
) -> Todo:
    return todo(
        f"experts.{kind}",
        zh,
        en,
        code=request.project_code,
        name=request.lot_name,
        link=reverse("experts:draw", args=[request.pk]),
        deadline=due,
        rule=rule,
    )


def _invitations(user: User) -> list[Todo]:
    waiting = invitations_of(user).filter(status=Invitation.Status.PENDING)
    return [
        todo(
            "experts.reply",
            "答复专家抽取通知（确认或拒绝）",
            "Answer a draw invitation (accept or decline)",
            code=invitation.request.project_code,
            name=invitation.request.lot_name,
            link=reverse("experts:invitation", args=[invitation.pk]),
            deadline=invitation.reply_by,
        )
        for invitation in waiting.order_by("reply_by")
    ]
