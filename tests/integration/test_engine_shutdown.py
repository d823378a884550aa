"""Stopping the engine while a tick is scheduling a mailing's delay."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

from mailapp.scheduler.engine import MailEngine
from mailapp.services import lifecycle
from mailapp.services import settings as settings_service
from mailapp.services.context import AppContext
from tests.support.data import bulk_contacts, make_mailing


def test_stop_returns_while_a_tick_adds_a_delay_job(ctx: AppContext) -> None:
    """APScheduler's shutdown(wait=True) holds the job store lock while it
    waits for running jobs; a tick adding a delay job then waited for it
    forever, and the worker never stopped."""
    settings_service.set_value(ctx, "MandrillMailingDelayInSeconds", "600")
    bulk_contacts(ctx, 1)
    lifecycle.start(ctx, make_mailing(ctx))  # waiting: every tick schedules its delay
    engine = MailEngine(ctx, tick_seconds=0.2)
    entered, release = threading.Event(), threading.Event()
    schedule = engine._schedule_delays

    def slow_schedule() -> None:
        entered.set()
        release.wait(5)
        schedule()

    engine._schedule_delays = slow_schedule  # type: ignore[method-assign]
    engine.start()
    assert entered.wait(10)
    stopper = threading.Thread(target=engine.stop, daemon=True)
    stopper.start()
    stopper.join(0.5)  # shutdown has begun and holds what it holds
    release.set()
    stopper.join(15)
    assert not stopper.is_alive(), "MailEngine.stop() never returned"


def test_stop_while_a_delay_job_comes_due_leaves_the_scheduler_thread_clean(
    ctx: AppContext,
) -> None:
    """``shutdown(wait=False)`` marks APScheduler stopped before it takes the
    job store lock; a scheduler thread then running a due one-off job looked
    for it among the *pending* jobs to remove it and died with
    JobLookupError (seen as an error in the teardown of the bounce tests)."""
    engine = MailEngine(ctx, tick_seconds=600)
    failures: list[BaseException] = []
    hook = threading.excepthook
    threading.excepthook = lambda args: failures.append(args.exc_value)  # type: ignore[assignment]
    try:
        engine.start()
        scheduler = engine.scheduler
        with scheduler._jobstores_lock:  # the scheduler thread waits at its next look
            scheduler.add_job(engine.wake, "date", run_date=datetime.now(UTC), id="delay:1")
            scheduler.wakeup()
            time.sleep(0.2)  # it is now blocked on the lock, the job due
            stopper = threading.Thread(target=engine.stop, daemon=True)
            stopper.start()
            time.sleep(0.2)  # shutdown has marked the scheduler stopped
        stopper.join(15)
        assert not stopper.is_alive()
    finally:
        threading.excepthook = hook
    assert failures == []
