"""Working-day deadlines after the award: the note a date counted on the provisional calendar
carries, and the published answer deadlines of challenges for the official schedule's check
(``workcalendar.published``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.urls import reverse

from ggzy.workcalendar.periods import local_day, working_day_note
from ggzy.workcalendar.published import PublishedPeriod

from .models import Challenge

ANSWER_RULE = "gp.challenge_answer_max_working_days"


def note(rule_id: str, start: object, end: date | None) -> dict[str, object] | None:
    found = working_day_note((rule_id, start, end))  # type: ignore[arg-type]
    return found.as_dict() if found else None


def published(year: int, today: date) -> Iterator[PublishedPeriod]:
    waiting = Challenge.objects.filter(
        answered_at__isnull=True, answer_due__gte=today, answer_due__year__gte=year
    ).select_related("lot__project")
    for challenge in waiting.order_by("lot__code", "pk"):
        start = local_day(challenge.raised_at)
        assert challenge.answer_due is not None
        if start.year > year:
            continue
        yield PublishedPeriod(
            trade=challenge.lot.code,
            title=challenge.lot.project.name,
            what_zh="质疑答复期限",
            what_en="challenge answer due",
            rule_id=ANSWER_RULE,
            kind="deadline",
            start=start,
            end=challenge.answer_due,
            link=reverse("awards:lot", args=[challenge.lot_id]),
        )
