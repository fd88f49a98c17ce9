"""The working-day periods of a sale, for the calendar's notes and for the official
schedule's check (``workcalendar.published``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.urls import reverse

from ggzy.workcalendar.periods import Period, working_day_note
from ggzy.workcalendar.published import PublishedPeriod, minimum_periods

from .models import Auction
from .trade_types import Method


def periods(auction: Auction) -> list[tuple[Period, str, str]]:
    """(rule, start, end) of each minimum period of the announcement, with what it is."""
    trade = auction.trade
    found: list[tuple[Period, str, str]] = [
        (
            (trade.announcement_rule, auction.announce_at, auction.starts_at),
            "公告期（至竞价开始）",
            "announcement period",
        )
    ]
    if auction.method == Method.LISTING:
        found.append(
            ((trade.listing_rule, auction.starts_at, auction.free_ends_at), "挂牌期", "listing")
        )
    return found


def calendar_note(auction: Auction) -> dict[str, object] | None:
    note = working_day_note(*(period for period, _, _ in periods(auction)))
    return note.as_dict() if note else None


def published(year: int, today: date) -> Iterator[PublishedPeriod]:
    running = Auction.objects.filter(status=Auction.Status.ANNOUNCED)
    for auction in running.order_by("code"):
        yield from minimum_periods(
            periods(auction),
            year=year,
            today=today,
            trade=auction.code,
            title=auction.title,
            link=reverse("auctions:hall", args=[auction.pk]),
        )
