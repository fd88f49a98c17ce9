from datetime import timedelta

import pytest

from ggzy.core import scheduler
from ggzy.core.models import Checkpoint
from ggzy.core.services import record

pytestmark = pytest.mark.django_db


def test_worker_runs_due_jobs_and_closes_ledger_days(manual_clock) -> None:
    jobs = scheduler.discover()
    assert "ledger.checkpoint" in jobs
    for job in jobs.values():
        job.last_run = None
    record("test.event", subject="x:1", payload={})
    manual_clock.advance(timedelta(days=1))
    assert "ledger.checkpoint" in scheduler.run_due()
    assert Checkpoint.objects.count() == 1
    # Not due again until its interval has passed.
    assert "ledger.checkpoint" not in scheduler.run_due()
    manual_clock.advance(timedelta(minutes=10))
    assert "ledger.checkpoint" in scheduler.run_due()


def test_a_failing_job_is_retried_next_tick(manual_clock) -> None:
    calls: list[int] = []

    def flaky() -> None:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("boom")

    scheduler.REGISTRY["test.flaky"] = scheduler.Periodic("test.flaky", timedelta(hours=1), flaky)
    try:
        assert "test.flaky" not in scheduler.run_due()
        assert "test.flaky" in scheduler.run_due()
        assert len(calls) == 2
    finally:
        del scheduler.REGISTRY["test.flaky"]
