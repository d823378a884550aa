"""The process's dispatcher: a fixed set of SMTP lanes shared by every mailing.

``SmtpConnections`` is the number of SMTP connections of the process, not of
a mailing: that many lanes (threads, :class:`~mailapp.scheduler.lane.Lane`)
take turns over the mailings that have something to send, one claimed batch
at a time (round-robin, so a big mailing never starves a small one). Each
lane owns one SMTP connection, one database connection of its own and one
lease; nothing it does grows with the number of mailings, and it never
occupies the scheduler's threads.

A mailing is compiled and checked once, when a lane first takes it: what is
the same for every message (a bad setting, a broken layout, a provider
refusing the sender) counts towards ``MaxSendErrors`` or puts the mailing in
``error`` at once, rather than failing recipient after recipient.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterable
from datetime import date
from typing import Any

from mailapp.delivery.addresses import envelope_address
from mailapp.delivery.dkim import DkimError
from mailapp.delivery.message import MessageError, build_message, make_message_id, unsubscribe_link
from mailapp.delivery.ratelimit import RateLimiter
from mailapp.delivery.render import TemplateProblem, compile_template
from mailapp.delivery.smtp import SmtpConfig
from mailapp.delivery.verp import verp_sender
from mailapp.models import Event, Mailing
from mailapp.scheduler import leases
from mailapp.scheduler.db_faults import MAX_BACKOFF, retrying, suppress_db_errors
from mailapp.scheduler.hot_sql import SENDING_STATE_VALUES, HotSql
from mailapp.scheduler.lane import Lane
from mailapp.scheduler.mailing_run import MailingRun
from mailapp.services import dkim_setup, journal, lifecycle, unsubscribe
from mailapp.services.context import AppContext
from mailapp.services.settings import SystemSettings

log = logging.getLogger(__name__)

#: How often the window is told that progress moved.
PROGRESS_SECONDS = 0.5
#: How often the process raises the beat of its leases.
HEARTBEAT_SECONDS = 2.0

_PROBE_ADDRESS = "probe@example.com"


class Dispatcher:
    """The lanes of this process and the mailings they take turns on."""

    def __init__(
        self,
        ctx: AppContext,
        process_id: str,
        shutdown: threading.Event,
        limiter: RateLimiter,
    ) -> None:
        self.ctx = ctx
        self.process_id = process_id
        self.shutdown = shutdown
        self.limiter = limiter
        self.sql = HotSql(ctx.db.engine.dialect)
        self.postgres = ctx.db.dialect == "postgresql"
        self._cond = threading.Condition()
        self._ring: list[int] = []
        self._runs: dict[int, MailingRun] = {}
        self._lanes: list[Lane] = []
        self._lane_count = 0
        self._smtp_config: SmtpConfig | None = None
        self._provider_problem = ""
        self._settings: SystemSettings | None = None
        self._heartbeat = threading.Thread(target=self._beat, name="heartbeat", daemon=True)

    # -- what the scheduler tells it ------------------------------------------

    def start(self) -> None:
        self._heartbeat.start()

    def configure(
        self, settings: SystemSettings, config: SmtpConfig | None, problem: str = ""
    ) -> None:
        """The settings of the next messages: provider, lanes, rate."""
        with self._cond:
            self._settings = settings
            self._smtp_config = config
            self._provider_problem = problem
        if self.limiter.rate_per_second != settings.rate_per_second:
            self.limiter.set_rate(settings.rate_per_second)
        self._resize(max(1, settings.connections))

    def offer(self, mailing_ids: Iterable[int]) -> None:
        """Mailings with recipients due now join the ring; a lane takes one
        out when it finds nothing left to claim (:meth:`drained`)."""
        with self._cond:
            known = set(self._ring)
            self._ring += [m for m in dict.fromkeys(mailing_ids) if m not in known]
            self._cond.notify_all()

    @property
    def busy(self) -> bool:
        """Work in hand: a mailing in the ring, or a lane in a batch or
        with a 250 not yet recorded.

        The ring alone is not enough: it empties as soon as one lane finds
        nothing left to claim, while another may still be waiting for the
        provider's answer to a message whose claim a peer has released, so
        that no row shows it is in flight.
        """
        with self._cond:
            return bool(self._ring) or any(lane.busy for lane in self._lanes)

    def stop(self) -> None:
        """Let in-flight transactions finish, record them, give back the rest."""
        self.shutdown.set()
        with self._cond:
            self._cond.notify_all()
            lanes = list(self._lanes)
        for lane in lanes:
            lane.join()
        if self._heartbeat.is_alive():
            self._heartbeat.join()
        leftover = [lane.lease for lane in lanes if lane.lease]
        if leftover:
            with suppress_db_errors("giving back the leases"):
                leases.release(self.ctx, leftover)

    # -- lanes ---------------------------------------------------------------

    def _resize(self, count: int) -> None:
        """Exactly ``count`` lanes serve; extra ones finish their message and go."""
        with self._cond:
            # Lanes are started as soon as they are made (by the one tick
            # thread), so one that is not alive has ended: it is replaced.
            self._lanes = [lane for lane in self._lanes if lane.is_alive()]
            active = [lane for lane in self._lanes if not lane.retired]
            for lane in active[count:]:
                lane.retired = True
            new = []
            for _ in range(count - len(active)):
                self._lane_count += 1
                new.append(Lane(self, self._lane_count))
            self._lanes += new
            self._cond.notify_all()
        for lane in new:
            lane.start()

    def take(self, lane: Lane, timeout: float) -> MailingRun | None:
        """The next mailing for ``lane`` in round-robin order, or None."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while not self._ring:
                left = deadline - time.monotonic()
                if left <= 0 or self.shutdown.is_set() or lane.retired:
                    return None
                self._cond.wait(left)
            if self.shutdown.is_set() or lane.retired:
                return None
            mailing_id = self._ring.pop(0)
            self._ring.append(mailing_id)
            lane.serving = True
            run = self._runs.get(mailing_id)
            config, problem = self._smtp_config, self._provider_problem
            settings = self._settings
        if run is not None:
            return run
        if settings is None:
            return None
        if config is None:
            self.halt(mailing_id)
            lifecycle.mark_error(self.ctx, mailing_id, problem or "No provider is configured")
            return None
        run = self._prepare(mailing_id, settings)
        if run is None:
            self.halt(mailing_id)
            return None
        with self._cond:
            return self._runs.setdefault(mailing_id, run)

    def drained(self, run: MailingRun) -> None:
        """Nothing left to claim now: out of the ring until a tick offers it
        again; the tick is woken to complete the mailing if it is done."""
        with self._cond:
            if self._runs.get(run.mailing_id) is run:
                del self._runs[run.mailing_id]
            if run.mailing_id not in self._ring:
                return
            self._ring.remove(run.mailing_id)
        self.ctx.hub.mailings_changed(run.mailing_id)

    def halt(self, mailing_id: int) -> None:
        """The mailing may no longer send (stopped, paused, error)."""
        with self._cond:
            run = self._runs.pop(mailing_id, None)
            if mailing_id in self._ring:
                self._ring.remove(mailing_id)
        if run is not None:
            run.halted = True

    @property
    def smtp_config(self) -> SmtpConfig | None:
        with self._cond:
            return self._smtp_config

    def _prepare(self, mailing_id: int, settings: SystemSettings) -> MailingRun | None:
        """Compile the mailing and check what every message shares."""
        with self.ctx.db.read() as session:
            mailing = session.get(Mailing, mailing_id)
            if mailing is None or mailing.state not in SENDING_STATE_VALUES:
                return None
            name, subject, html = mailing.name, mailing.subject, mailing.html
            sender_name, sender_email = mailing.sender_name, mailing.sender_email
        try:
            template = compile_template(subject, html)
        except TemplateProblem as exc:
            lifecycle.mark_error(self.ctx, mailing_id, f"Template error: {exc}", provider=False)
            return None
        domain = sender_email.rpartition("@")[2] or "localhost"
        url = settings.unsubscribe_url or ""
        try:
            signer = dkim_setup.signer(settings)
        except DkimError as exc:
            lifecycle.mark_error(self.ctx, mailing_id, f"DKIM: {exc}", provider=False)
            return None
        try:
            sender = envelope_address(sender_email)
            wants_tokens = "{token}" in url or bool(settings.bounce_address)
            tokens = unsubscribe.tokens(self.ctx) if wants_tokens else None
            probe_token = tokens.make(0, self.ctx.db.now()) if tokens is not None else ""
            probe_url = unsubscribe_link(url, _PROBE_ADDRESS, probe_token) if url else ""
            if tokens is not None and settings.bounce_address:
                # The setting's rule, checked again for a value stored before it.
                envelope_address(verp_sender(settings.bounce_address, tokens, 1, date.today()))
            probe = build_message(
                sender_name=sender_name,
                sender_email=sender_email,
                to=_PROBE_ADDRESS,
                subject="probe",
                html="<p>probe</p>",
                text="probe",
                message_id=make_message_id(domain),
                unsubscribe_url=probe_url,
                mailing_id=mailing_id,
                smtputf8=sender.needs_smtputf8,
            )
            if signer is not None:
                signer.sign(probe)
        except MessageError as exc:
            lifecycle.mark_error(
                self.ctx,
                mailing_id,
                f"No message of this mailing can be built: {exc}",
                provider=False,
            )
            return None
        return MailingRun(
            mailing_id=mailing_id,
            name=name,
            subject=subject,
            sender_name=sender_name,
            sender_email=sender_email,
            sender=sender,
            domain=domain,
            template=template,
            unsubscribe_url=url,
            settings=settings,
            signer=signer,
            tokens=tokens,
            bounce_address=settings.bounce_address,
        )

    # -- liveness --------------------------------------------------------------

    def _beat(self) -> None:
        """Raise the beat of every lease of the process, on a thread of its own
        so no amount of sending or scheduling can hold it up."""
        while not self.shutdown.wait(HEARTBEAT_SECONDS):
            try:
                held = leases.renew(self.ctx, self.process_id)
            except Exception as exc:  # a busy or lost database: next beat
                log.warning("heartbeat failed: %s", exc)
                continue
            with self._cond:
                lanes = list(self._lanes)
            for lane in lanes:
                if lane.lease and lane.lease not in held:
                    lane.lost.set()

    # -- progress and the log ----------------------------------------------------

    def insert_event(self, cursor: Any, row: dict[str, Any]) -> None:
        cursor.execute(
            self.sql.journal,
            (
                self.sql.time(row["time"]),
                row["mailing_id"],
                row["event"],
                row["type"],
                json.dumps(row["params"]),
                row["message"],
            ),
        )

    def committed(self, run: MailingRun, recorded: int) -> None:
        """``recorded`` messages of ``run`` are in the database as sent."""
        if not recorded:
            return
        now = time.monotonic()
        with run.lock:
            run.sent_since_event += recorded
            run.errors = 0
            progress = now - run.last_progress >= PROGRESS_SECONDS
            if progress:
                run.last_progress = now
        if progress:
            self.ctx.hub.mailings_changed(run.mailing_id, progress=True)

    # -- errors that are the mailing's -------------------------------------------

    def provider_error(self, run: MailingRun, message: str) -> float:
        """Count a consecutive provider error, report it once; the back-off."""
        with run.lock:
            run.errors += 1
            errors = run.errors
            first_time = message not in run.reported
            run.reported.add(message)
        if errors >= run.settings.max_errors:
            self.fatal(run, f"{message} ({errors} errors in a row)")
            return 0.0
        if first_time:
            with suppress_db_errors("logging a provider error"):
                with self.ctx.db.write() as session:
                    journal.record(session, run.mailing_id, Event.PROVIDER_ERROR, error=message)
                self.ctx.hub.mailings_changed(run.mailing_id)
        return min(MAX_BACKOFF, 0.25 * 2.0 ** min(errors, 8))

    def fatal(self, run: MailingRun, message: str, *, provider: bool = True) -> None:
        with run.lock:
            if run.halted:
                return
            run.halted = True
        self.halt(run.mailing_id)
        retrying(
            self.shutdown,
            lambda: lifecycle.mark_error(self.ctx, run.mailing_id, message, provider=provider),
        )
