"""Stopping the engine while a tick is scheduling a mailing's delay."""

from __future__ import annotations

import threading

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
