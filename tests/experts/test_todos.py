"""The expert pool's to-dos: the centre draws experts before the opening and waits for their
answers, and reviews profile changes; an expert answers its own invitations only."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from ggzy.accounts.models import Role
from ggzy.experts.models import Expert, Invitation
from ggzy.experts.selectors.todos import DRAW_RULE, todos
from ggzy.experts.services import draw
from ggzy.experts.services.pool import update_own_profile
from ggzy.kernel import clock, rules

from ..fixtures.todos import kinds, only, outsider, supervisor_of

pytestmark = pytest.mark.django_db


def test_the_centre_draws_and_the_drawn_experts_answer(
    manual_clock: clock.ManualClock,
    province: dict[str, Any],
    pool: list[Expert],
    request_for: Callable[..., Any],
) -> None:
    staff = province["staff"]
    opening = clock.now() + timedelta(days=2)
    request = request_for(opening_at=opening)
    item = only(todos(staff), "experts.draw")
    assert item.deadline == opening - timedelta(hours=rules.int_value(DRAW_RULE))
    assert (item.rule, item.link) == (DRAW_RULE, f"/experts/draws/{request.pk}/")
    assert todos(outsider(Role.CENTRE)) == []
    assert todos(supervisor_of(province["supervisor"])) == []

    draw.draw(user=staff, request_id=request.pk)
    invitations = list(Invitation.objects.filter(request=request))
    waiting = only(todos(staff), "experts.await_confirmations")
    assert waiting.deadline == max(i.reply_by for i in invitations)
    invited = invitations[0]
    reply = only(todos(invited.expert.user), "experts.reply")
    assert reply.deadline == invited.reply_by
    assert reply.link == f"/experts/invitations/{invited.pk}/"
    drawn = {i.expert_id for i in invitations}
    bystander = next(e for e in pool if e.pk not in drawn)
    assert todos(bystander.user) == []
    draw.respond(user=invited.expert.user, invitation_id=invited.pk, accept=True)
    assert todos(invited.expert.user) == []


def test_centre_staff_review_profile_changes(
    manual_clock: clock.ManualClock,
    province: dict[str, Any],
    draw_expert: Callable[..., Expert],
) -> None:
    expert = draw_expert()
    assert todos(province["staff"]) == []
    change = update_own_profile(user=expert.user, changes={"title": "教授"}).change
    assert change is not None
    item = only(todos(province["staff"]), "experts.review_change")
    assert (item.name, item.link) == (expert.name, f"/experts/changes/{change.pk}/")
    assert kinds(todos(expert.user)) == []
