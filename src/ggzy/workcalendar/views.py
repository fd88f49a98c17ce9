from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors


def calendar(request: HttpRequest) -> HttpResponse:
    """The working-day calendar: official and provisional years, and for staff the open
    trades whose deadlines differ from an official schedule entered after they were set."""
    context = {
        "years": selectors.years_from_now(),
        "affected": selectors.affected_trades(request.user),  # type: ignore[arg-type]
    }
    return render(request, "workcalendar/calendar.html", context)
