"""The background engine: one APScheduler ``BackgroundScheduler`` and the
process's :class:`~mailapp.scheduler.dispatch.Dispatcher`.

Jobs live in a memory store with fixed ids and are rebuilt from the
database on every tick, so the database stays the only source of truth and
a restart (or a second process) picks up exactly where things are:

* ``tick`` (interval): releases dead lanes' claims, moves mailings whose
  time has come, finishes stops and expiries, completes what is done, and
  tells the dispatcher which mailings have something to send;
* ``delay:<id>`` (date): the end of a mailing's delay window, to the second.

Sending itself never runs in the scheduler's threads: the dispatcher's
lanes are threads of their own, so the tick and the timers never wait
behind a mailing, however many send at once.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import STATE_STOPPED
from sqlalchemy import or_, select

from mailapp.delivery.ratelimit import RateLimiter
from mailapp.models import Mailing, MailingState, Recipient, Response
from mailapp.models.states import SENDING_STATES
from mailapp.scheduler import campaign_runs, leases
from mailapp.scheduler.bounce_poll import CHECK_SECONDS, BouncePoller
from mailapp.scheduler.dispatch import Dispatcher
from mailapp.services import lifecycle
from mailapp.services import settings as settings_service
from mailapp.services.context import AppContext
from mailapp.services.hub import Changed
from mailapp.services.provider import ProviderError, ProviderSession

log = logging.getLogger(__name__)


class _SkippedRunFilter(logging.Filter):
    """A tick still running when the next is due is skipped on purpose
    (``max_instances=1``); APScheduler's warning about it is noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "maximum number of running instances reached" not in record.getMessage()


logging.getLogger("apscheduler.scheduler").addFilter(_SkippedRunFilter())

TickHook = Callable[[AppContext], object]

#: How long :meth:`MailEngine.stop` waits for a running tick to end.
STOP_WAIT_SECONDS = 60.0


class _Scheduler(BackgroundScheduler):  # type: ignore[misc]  # untyped library
    """APScheduler's ``shutdown(wait=False)`` marks the scheduler stopped
    before it takes the job store lock. A scheduler thread that is running
    a due one-off job at that moment then looks for it among the *pending*
    jobs to remove it, does not find it, and dies with JobLookupError. The
    job is gone with the store anyway, so that one lookup is let pass."""

    def remove_job(self, job_id: str, jobstore: str | None = None) -> None:
        try:
            super().remove_job(job_id, jobstore)
        except JobLookupError:
            if self.state != STATE_STOPPED:
                raise


class MailEngine:
    def __init__(self, ctx: AppContext, *, tick_seconds: float = 1.0) -> None:
        self.ctx = ctx
        self.tick_seconds = tick_seconds
        self.shutdown_event = threading.Event()
        self.provider = ProviderSession(ctx)
        #: One limit for every mailing of the process: the rate is the provider's.
        self.limiter = RateLimiter(0)
        self.process_id = leases.new_process_id()
        self.reaper = leases.Reaper(self.process_id)
        self.dispatcher = Dispatcher(ctx, self.process_id, self.shutdown_event, self.limiter)
        #: Work on every tick before dispatching: the campaigns' runs hand
        #: their participants to trigger mailings, which then send at once.
        self.tick_hooks: list[TickHook] = [campaign_runs.tick]
        self.bounce_poller = BouncePoller(ctx, self.shutdown_event)
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._ticking = False
        self._again = False
        self._unsubscribe: Callable[[], None] | None = None
        self.scheduler = _Scheduler(
            executors={"default": ThreadPoolExecutor(4)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
            timezone=UTC,
        )

    # -- life --------------------------------------------------------------

    def start(self) -> None:
        self.dispatcher.start()
        self.scheduler.add_job(
            self.tick,
            "interval",
            seconds=self.tick_seconds,
            id="tick",
            next_run_time=datetime.now(UTC),
        )
        self.scheduler.add_job(
            self.bounce_poller.poll,
            "interval",
            seconds=CHECK_SECONDS,
            id="bounces",
            next_run_time=datetime.now(UTC) + timedelta(seconds=2),
        )
        self._unsubscribe = self.ctx.hub.subscribe(self._on_notice)
        self.scheduler.start()

    def stop(self) -> None:
        """Let in-flight SMTP transactions finish, give back the rest, stop."""
        if self._unsubscribe:
            self._unsubscribe()
        self.shutdown_event.set()
        if self.scheduler.running:
            # Not wait=True: APScheduler holds its job store lock while it
            # waits, and a tick adding a delay job then would wait forever.
            self.scheduler.shutdown(wait=False)
            with self._idle:
                self._idle.wait_for(lambda: not self._ticking, timeout=STOP_WAIT_SECONDS)
        self.dispatcher.stop()
        self.provider.close()

    @property
    def running(self) -> bool:
        return bool(self.scheduler.running) and not self.shutdown_event.is_set()

    # -- waking ------------------------------------------------------------

    def _on_notice(self, value: object) -> None:
        if (
            isinstance(value, Changed)
            and not value.progress
            and (value.mailing_ids or value.campaigns)
        ):
            self.wake()

    def wake(self) -> None:
        """Run a tick now (or right after the one running)."""
        if self.shutdown_event.is_set():
            return
        with self._lock:
            if self._ticking:
                self._again = True
                return
        with contextlib.suppress(JobLookupError):
            self.scheduler.modify_job("tick", next_run_time=datetime.now(UTC))

    # -- jobs --------------------------------------------------------------

    def tick(self) -> None:
        with self._lock:
            if self._ticking:
                self._again = True
                return
            self._ticking = True
        try:
            while not self.shutdown_event.is_set():
                self._tick_once()
                with self._lock:
                    if not self._again:
                        break
                    self._again = False
        except Exception:
            log.exception("scheduler tick failed")
        finally:
            with self._lock:
                self._ticking = False
                self._idle.notify_all()

    def _tick_once(self) -> None:
        ctx = self.ctx
        steps: list[Callable[[], object]] = [
            lambda: self.reaper.reap(ctx),
            lambda: lifecycle.lift_lapsed_holds(ctx),
            lambda: lifecycle.promote_scheduled(ctx),
            lambda: lifecycle.promote_waiting(ctx),
            lambda: lifecycle.expire_due(ctx),
            lambda: lifecycle.finish_stopping(ctx),
            *(lambda hook=hook: hook(ctx) for hook in self.tick_hooks),
            self._schedule_delays,
            self._configure,
            self._dispatch_sendable,
            lambda: lifecycle.complete_finished(ctx),
        ]
        # One failing step (a busy database, say) must not keep the others
        # from running; the next tick tries it again.
        for step in steps:
            try:
                step()
            except Exception:
                log.exception("scheduler tick step failed")

    def _configure(self) -> None:
        """Lanes, rate and provider as the settings say now."""
        settings = settings_service.load(self.ctx)
        try:
            config, problem = self.provider.config(settings), ""
        except ProviderError as exc:
            config, problem = None, str(exc)
        self.dispatcher.configure(settings, config, problem)

    def _dispatch_sendable(self) -> None:
        self.dispatcher.offer(self._sendable())

    def _schedule_delays(self) -> None:
        with self.ctx.db.read() as session:
            waiting = session.execute(
                select(Mailing.id, Mailing.send_after).where(
                    Mailing.state == MailingState.WAITING.value
                )
            ).all()
        for mailing_id, send_after in waiting:
            if send_after is None:
                continue
            self.scheduler.add_job(
                self.wake,
                "date",
                run_date=send_after,
                id=f"delay:{mailing_id}",
                replace_existing=True,
            )

    def _sendable(self) -> list[int]:
        """Mailings in a sending state, not held, with a recipient due now."""
        now = self.ctx.db.now()
        with self.ctx.db.read() as session:
            ids = list(
                session.scalars(
                    select(Mailing.id).where(
                        Mailing.state.in_([s.value for s in SENDING_STATES]),
                        or_(Mailing.hold_until.is_(None), Mailing.hold_until <= now),
                    )
                )
            )
            return [
                mailing_id
                for mailing_id in ids
                if session.scalar(
                    select(Recipient.id)
                    .where(
                        Recipient.mailing_id == mailing_id,
                        Recipient.response == Response.PLANNED.value,
                        or_(
                            Recipient.next_attempt_at.is_(None),
                            Recipient.next_attempt_at <= now,
                        ),
                    )
                    .limit(1)
                )
                is not None
            ]
