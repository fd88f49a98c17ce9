"""The working-day periods of a tender, for the calendar's notes and for the official
schedule's check (``workcalendar.published``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.urls import reverse

from ggzy.workcalendar.periods import Period, working_day_note
from ggzy.workcalendar.published import PublishedPeriod, minimum_periods

from .models import Project
from .procedures import get as get_procedure


def periods(project: Project) -> list[tuple[Period, str, str]]:
    """(rule, start, end) of each minimum period the notice set, with what it is."""
    procedure = get_procedure(project.procedure)
    return [
        (
            (procedure.doc_sale_rule, project.sale_starts_at, project.sale_ends_at),
            "招标（采购）文件提供期",
            "document availability period",
        ),
        (
            (procedure.tender_period_rule, project.documents_issued_at, project.bid_deadline),
            "自文件发出至投标（响应）截止",
            "documents issued to the deadline",
        ),
    ]


def calendar_note(project: Project) -> dict[str, object] | None:
    note = working_day_note(*(period for period, _, _ in periods(project)))
    return note.as_dict() if note else None


def published(year: int, today: date) -> Iterator[PublishedPeriod]:
    running = Project.objects.filter(status=Project.Status.NOTICE, bid_deadline__isnull=False)
    for project in running.order_by("code"):
        yield from minimum_periods(
            periods(project),
            year=year,
            today=today,
            trade=project.code,
            title=project.name,
            link=reverse("tendering:project", args=[project.pk]),
        )
