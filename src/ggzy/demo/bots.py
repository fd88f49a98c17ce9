"""Simulated market entities for the living demo, acting in real time inside ``ggzy serve
--demo`` (and in the demo's history): the demo bidders bid in timed bidding up to their
private ceilings, decrypt their bids when an opening starts, and the demo keyholders hand in
their shares of a closed sale's reserve. They act through the HTTP API as the demo users,
exactly as the scenarios do; a visitor who logs in as `demo_person` bids against them.
"""

from __future__ import annotations

import hashlib
import logging
import random
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import close_old_connections

from ggzy.auctions.models import Auction, Registration
from ggzy.kernel import clock
from ggzy.tendering.models import Bid, Opening

from .auction import KEYHOLDERS, bid_as, keen, key_path, live_state, open_reserve
from .tender import decrypt_bid

log = logging.getLogger("ggzy.demo")

BOT_PREFIX = "demo_b"  # the simulated bidders; demo_person is left to the visitor
QUIET = (20, 150)  # seconds a bot waits, at random, before its next bid


def ceiling(code: str, username: str, start: int, increment: int) -> int:
    """A bot's private ceiling in a sale (fen): 30 to 70 increments above the start, the same
    every time for the same sale and bot."""
    digest = hashlib.sha256(f"{code}:{username}".encode()).digest()
    return start + increment * (30 + digest[0] % 41)


def _silent(*_: object) -> None:
    return None


@dataclass
class Bots:
    """One tick at a time: what is due now is done."""

    draw: random.Random = field(default_factory=random.Random)
    next_bid: dict[int, datetime] = field(default_factory=dict)

    def tick(self) -> int:
        """Do what is due; return how many actions were taken."""
        return self._bid() + self._decrypt() + self._open_reserves()

    def _bots(self, auction: Auction) -> dict[str, str]:
        """username → bidder number of the bots qualified in the sale."""
        rows = Registration.objects.filter(
            auction=auction,
            status=Registration.Status.QUALIFIED,
            entity__users__user__username__startswith=BOT_PREFIX,
        ).values_list("entity__users__user__username", "bidder_no")
        return dict(rows)

    def _bid(self) -> int:
        done = 0
        now = clock.now()
        timed = Auction.objects.filter(status=Auction.Status.ANNOUNCED, phase="timed")
        for auction in timed:
            bots = self._bots(auction)
            if not bots or auction.deadline is None:
                continue
            planned = self.next_bid.get(auction.pk)
            if planned is None or planned >= auction.deadline:
                room = (auction.deadline - now).total_seconds() - 10
                wait = min(self.draw.uniform(*QUIET), max(room, 0))
                self.next_bid[auction.pk] = now + timedelta(seconds=wait)
                continue
            if now < planned:
                continue
            del self.next_bid[auction.pk]
            state = live_state(auction.pk)
            tops = {
                u: (no, ceiling(auction.code, u, auction.start_price, auction.increment))
                for u, no in bots.items()
            }
            willing = keen(state, tops)
            if willing:
                who = self.draw.choice(willing)
                placed = bid_as(who, auction.pk, state["minimum_next"], f"bot-{state['seq'] + 1}")
                done += placed is not None
        return done

    def _decrypt(self) -> int:
        """Demo bidders decrypt their bids a minute or more into the opening."""
        done = 0
        now = clock.now()
        openings = Opening.objects.filter(
            status=Opening.Status.DECRYPTING,
            started_at__lte=now - timedelta(minutes=1),
            window_ends_at__gt=now,
        )
        for opening in openings:
            waiting = Bid.objects.filter(
                lot_id=opening.lot_id,
                status=Bid.Status.SUBMITTED,
                entity__users__user__username__startswith=BOT_PREFIX,
            ).values_list("pk", "entity__users__user__username")
            for bid_id, username in waiting[:1]:  # one at a time, as people do
                decrypt_bid(_silent, username, opening.lot_id, bid_id)
                done += 1
        return done

    def _open_reserves(self) -> int:
        """The demo keyholders hand in their shares a minute after a sale closes."""
        done = 0
        closed = Auction.objects.filter(
            status=Auction.Status.CLOSED,
            closed_at__lte=clock.now() - timedelta(minutes=1),
            keyholders__user__username__in=KEYHOLDERS,
        ).distinct()
        for auction in closed:
            if all(key_path(u).exists() for u in KEYHOLDERS[:2]):
                open_reserve(_silent, auction.pk)
                done += 1
        return done


def run(stop: threading.Event, interval: float = 2.0) -> None:
    """The bots' loop in a server process: a tick every ``interval`` seconds until stopped."""
    bots = Bots()
    while not stop.wait(interval):
        close_old_connections()
        try:
            bots.tick()
        except Exception:
            log.exception("demo bots: a tick failed; trying again")
    close_old_connections()
