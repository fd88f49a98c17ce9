"""The scheduler loop (DESIGN §4): one loop runs every due, idempotent job.

Apps declare jobs in their ``tasks.py`` with ``@periodic("name", every=timedelta(...))``;
``discover`` imports every app's ``tasks`` module, and each tick of ``loop`` runs the jobs
whose interval has passed (in process memory: a restarted worker runs every job at once).

Timed trade transitions are jobs too, with no "next check" field of their own: each job
asks for the rows whose own deadline has passed and that are still in the state before it
(a lot still taking bids at ``Project.bid_deadline``, an opening still decrypting at
``window_ends_at``, an auction still announced at its ``deadline`` or still waiting on a
pre-emption right at ``pre_emption_ends_at``, an invitation still pending at ``reply_by``,
a sanction past ``status_until``), then moves each one on in its own transaction under its
row lock, checking the state again — so a job that runs twice, or late, changes nothing
more. A step a person takes once a period is over (the award after the candidates'
publicity) checks the clock when that person acts; what is overdue (refunds, answers,
contracts: warnings and to-dos) is computed when it is read.
Jobs read time only from ``kernel.clock``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from importlib import import_module

from django.apps import apps
from django.db import close_old_connections

from ggzy.kernel import clock

log = logging.getLogger("ggzy.worker")

Job = Callable[[], object]


@dataclass
class Periodic:
    name: str
    every: timedelta
    run: Job
    last_run: datetime | None = field(default=None)

    def due(self, now: datetime) -> bool:
        # A clock set back (a test's manual clock, an NTP step) makes every job due again.
        return self.last_run is None or not 0 <= (now - self.last_run).total_seconds() < (
            self.every.total_seconds()
        )


REGISTRY: dict[str, Periodic] = {}


def periodic(name: str, *, every: timedelta) -> Callable[[Job], Job]:
    def register(fn: Job) -> Job:
        REGISTRY[name] = Periodic(name, every, fn)
        return fn

    return register


def discover() -> dict[str, Periodic]:
    """Import every installed ggzy app's ``tasks`` module so its jobs register."""
    for config in apps.get_app_configs():
        if config.name.startswith("ggzy."):
            try:
                import_module(f"{config.name}.tasks")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.tasks":
                    raise
    return REGISTRY


def run_due(now: datetime | None = None) -> list[str]:
    """Run every job that is due; a failing job is logged and retried next tick."""
    moment = now or clock.now()
    ran: list[str] = []
    for job in discover().values():
        if not job.due(moment):
            continue
        try:
            result = job.run()
        except Exception:
            log.exception("job %s failed; it will run again at the next tick", job.name)
            continue
        job.last_run = moment
        ran.append(job.name)
        if result:
            log.info("job %s: %s", job.name, result)
    return ran


def loop(interval: float, stop: threading.Event) -> None:
    log.info("worker started: %d jobs, tick every %.1f s", len(discover()), interval)
    while not stop.is_set():
        close_old_connections()  # a long-lived loop must not keep a stale connection
        run_due()
        stop.wait(interval)
    close_old_connections()
