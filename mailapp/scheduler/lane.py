"""One sending lane: a thread with one SMTP connection, one database
connection and one lease, serving the mailings its dispatcher hands it.

* ``sent`` is written only after the provider's 250 to the end of data; a
  connection lost after the data went out leaves ``unconfirmed``, never a
  second attempt.
* What belongs to one recipient (an address that cannot be sent, a template
  error for that contact) ends that recipient; what is the same for every
  message (a bad setting, a broken layout, a provider refusing the sender)
  counts towards ``MaxSendErrors`` or puts the mailing in ``error`` at once.
  Nothing is retried in a tight loop.

What the lane writes, and the rules of those writes, are in
:mod:`~mailapp.scheduler.lane_writes`.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from typing import Protocol

from sqlalchemy.exc import DBAPIError

from mailapp.db import LaneConnection
from mailapp.delivery.addresses import envelope_address
from mailapp.delivery.message import (
    AddressError,
    MessageError,
    build_message,
    make_message_id,
    unsubscribe_link,
)
from mailapp.delivery.ratelimit import RateLimiter
from mailapp.delivery.render import TemplateProblem
from mailapp.delivery.smtp import (
    AuthenticationFailed,
    Outcome,
    Phase,
    ProviderUnavailable,
    SendResult,
    SmtpConfig,
    SmtpConnection,
)
from mailapp.models import Response
from mailapp.scheduler import leases
from mailapp.scheduler.db_faults import Abandon, LeaseLost, suppress_db_errors
from mailapp.scheduler.hot_sql import HotSql
from mailapp.scheduler.lane_writes import CLAIM_BATCH, LaneWrites, WritesHost
from mailapp.scheduler.mailing_run import Accepted, Claimed, MailingRun
from mailapp.services.context import AppContext

log = logging.getLogger(__name__)

#: An idle lane says QUIT after this long without work.
IDLE_SECONDS = 30.0


class LaneHost(WritesHost, Protocol):
    """What a lane needs of its dispatcher: the
    :class:`~mailapp.scheduler.dispatch.Dispatcher` imports this module to
    make its lanes, so a lane names only what it uses of it."""

    ctx: AppContext
    sql: HotSql
    process_id: str
    limiter: RateLimiter

    @property
    def smtp_config(self) -> SmtpConfig | None: ...

    def take(self, lane: Lane, timeout: float) -> MailingRun | None: ...

    def drained(self, run: MailingRun) -> None: ...

    def provider_error(self, run: MailingRun, message: str) -> float: ...

    def fatal(self, run: MailingRun, message: str, *, provider: bool = True) -> None: ...


class Lane(LaneWrites, threading.Thread):
    """One SMTP connection, one database connection, one lease."""

    def __init__(self, dispatcher: LaneHost, number: int) -> None:
        super().__init__(name=f"smtp-lane-{number}", daemon=True)
        self.d: LaneHost = dispatcher
        self.ctx = dispatcher.ctx
        self.sql = dispatcher.sql
        self.db: LaneConnection = dispatcher.ctx.db.lane_connection()
        self.lease = ""
        self.lost = threading.Event()
        self.retired = False
        self.connection: SmtpConnection | None = None
        self.accepted: Accepted | None = None
        #: Set by the dispatcher, under its lock, when it hands this lane a
        #: mailing; cleared when the batch is done.
        self.serving = False
        #: The recipient whose transaction is marked begun and not yet
        #: recorded, and whether its SMTP conversation has started.
        self._in_flight: int | None = None
        self._transmitting = False
        self._idle_since = time.monotonic()

    # -- the loop ------------------------------------------------------------

    def run(self) -> None:
        try:
            while not self.d.shutdown.is_set() and not self.retired:
                run: MailingRun | None = None
                try:
                    if not self.lease or self.lost.is_set():
                        self._take_lease()
                        continue
                    try:
                        run = self.d.take(self, timeout=1.0)
                        if run is None:
                            self._idle()
                            continue
                        self._serve(run)
                    finally:
                        self.serving = False
                except LeaseLost:
                    self._drop_lease()
                except Exception as exc:
                    # A fault of the code, not of a recipient or the provider:
                    # logged, counted towards MaxSendErrors, backed off.
                    log.exception("lane %s failed", self.name)
                    self._settle_in_flight(run)
                    pause = self.d.provider_error(run, f"Internal error: {exc}") if run else 2.0
                    self.d.shutdown.wait(pause)
        except Abandon:
            log.warning("lane %s stops without the database", self.name)
        finally:
            self._close_smtp()
            if self.lease and self.retired and not self.d.shutdown.is_set():
                with suppress_db_errors("giving back a lease"):
                    leases.release(self.ctx, [self.lease])
                self.lease = ""
            self.db.close()

    @property
    def busy(self) -> bool:
        """In a batch, or holding a 250 whose ``sent`` is not written yet."""
        return self.serving or self.accepted is not None

    def _take_lease(self) -> None:
        if self.lease:
            self._drop_lease()
        try:
            self.lease = leases.register(self.ctx, self.d.process_id)
            self.lost.clear()
        except DBAPIError as exc:
            log.warning("lane %s cannot take a lease: %s", self.name, exc)
            self.d.shutdown.wait(2.0)

    def _drop_lease(self) -> None:
        """Everything held under the lease is someone else's now; a 250
        received under it is still recorded (the message id proves which
        message the provider took) or reported."""
        log.error("lane %s lost its lease; it takes a new one", self.name)
        pending = self.accepted
        self._in_flight = None
        if pending is not None:
            recorded = self._db(pending.run, lambda cursor: self._write_sent(cursor, pending))
            self.accepted = None  # only now: the lane is busy until it is written
            self.d.committed(pending.run, recorded)
        self.lease = ""
        self._close_smtp()

    def _settle_in_flight(self, run: MailingRun | None) -> None:
        """A fault between the begin mark and the record: once the SMTP
        conversation had started the message may have gone (unconfirmed);
        before, it surely did not (planned again, no attempt spent)."""
        in_flight, self._in_flight = self._in_flight, None
        transmitting, self._transmitting = self._transmitting, False
        if run is None or in_flight is None:
            return
        error = "Interrupted by an internal error"
        with contextlib.suppress(LeaseLost), suppress_db_errors("settling a cut transaction"):
            if transmitting:
                self._settle(run, in_flight, Response.UNCONFIRMED, error)
            else:
                self._requeue(run, in_flight, error, spent=False)

    def _idle(self) -> None:
        self._flush()
        if self.connection is not None and time.monotonic() - self._idle_since > IDLE_SECONDS:
            self._close_smtp()

    def _close_smtp(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def _serve(self, run: MailingRun) -> None:
        """One claimed batch of ``run``; then the next mailing's turn."""
        batch = self._claim(run)
        if not batch:
            self._flush()
            self._log_rest(run)
            self.d.drained(run)
            return
        done = 0
        try:
            for row in batch:
                if self._stopping(run) or not self.d.limiter.acquire(self.d.shutdown):
                    break
                if not self._send_one(run, row):
                    break  # the row is untouched: given back with the rest
                done += 1
        finally:
            if not self.lost.is_set():
                # A short batch is the mailing's tail: log what was sent.
                self._flush(force=len(batch) < CLAIM_BATCH or self._stopping(run))
                self._release(run, [r.id for r in batch[done:]])
        self._idle_since = time.monotonic()

    def _stopping(self, run: MailingRun) -> bool:
        return self.d.shutdown.is_set() or self.retired or run.halted or self.lost.is_set()

    # -- one message ---------------------------------------------------------

    def _send_one(self, run: MailingRun, row: Claimed) -> bool:
        """Hand one message over; False when it could not begin (the mailing
        may not send now, or there is no connection) and the row is as
        claimed."""
        try:
            address = envelope_address(row.email)
        except AddressError as exc:
            self._settle(run, row.id, Response.CANCELLED_INVALID_EMAIL, str(exc))
            return True
        issued = self.ctx.db.now()
        token = run.tokens.make(row.id, issued) if run.tokens is not None else ""
        url = unsubscribe_link(run.unsubscribe_url, row.email, token) if run.unsubscribe_url else ""
        try:
            rendered = run.template.render(row.contact, run.name, url)
        except TemplateProblem as exc:
            self._settle(run, row.id, Response.CANCELLED_TEMPLATE_ERROR, str(exc))
            return True
        connection = self._connection(run)
        if connection is None:
            return False
        smtputf8 = address.needs_smtputf8 or run.sender.needs_smtputf8
        if smtputf8 and not connection.supports_smtputf8:
            problem = (
                "has non-ASCII characters before the @, and the provider does not "
                "offer SMTPUTF8 (international addresses)"
            )
            if run.sender.needs_smtputf8:  # the same for every message
                self.d.fatal(run, f"The sender address {run.sender_email} {problem}")
                return False
            self._settle(run, row.id, Response.CANCELLED_INVALID_EMAIL, f"{row.email} {problem}")
            return True
        message_id = make_message_id(run.domain)
        try:
            data = build_message(
                sender_name=run.sender_name,
                sender_email=run.sender_email,
                to=address.address,
                subject=rendered.subject,
                html=rendered.html,
                text=rendered.text,
                message_id=message_id,
                unsubscribe_url=url,
                mailing_id=run.mailing_id,
                smtputf8=smtputf8,
            )
        except MessageError as exc:
            self._settle(run, row.id, Response.CANCELLED_TEMPLATE_ERROR, str(exc))
            return True
        if run.signer is not None:
            data = run.signer.sign(data)
        if not self._begin(run, row.id, message_id):
            return False
        self._transmitting = True
        result = connection.send(run.envelope_sender(row.id, issued), address.address, data)
        if result.outcome is Outcome.ACCEPTED:
            self.accepted = Accepted(run, row.id, message_id, self.ctx.db.now())
        else:
            self._after_failure(run, row.id, result)
        self._in_flight, self._transmitting = None, False
        if not connection.is_open:  # dropped, or closed by the server (421)
            self._close_smtp()
        return True

    def _connection(self, run: MailingRun) -> SmtpConnection | None:
        config = self.d.smtp_config
        if config is None:
            return None
        if self.connection is not None and self.connection.config != config:
            self._close_smtp()  # the provider settings changed
        while self.connection is None and not self._stopping(run):
            connection = SmtpConnection(config)
            try:
                connection.open()
            except AuthenticationFailed as exc:
                self.d.fatal(run, str(exc))
                return None
            except ProviderUnavailable as exc:
                self.d.shutdown.wait(self.d.provider_error(run, str(exc)))
                continue
            self.connection = connection
        return self.connection

    def _after_failure(self, run: MailingRun, recipient_id: int, result: SendResult) -> None:
        """Whose failure it is decides what happens to the recipient.

        Only a 5xx to the recipient's RCPT TO or to its end of data is that
        recipient's hard bounce. A refusal of MAIL FROM or of DATA, a 421 or a
        lost connection is the provider's: the recipient is not charged an
        attempt and the error counts towards ``MaxSendErrors``.
        """
        outcome, detail = result.outcome, result.describe()
        recipients_reply = result.phase in (Phase.RCPT, Phase.END_OF_DATA)
        if outcome is Outcome.UNCONFIRMED:
            self._settle(run, recipient_id, Response.UNCONFIRMED, detail)
            self._back_off(run, detail or "Connection lost after the message was sent")
        elif outcome is Outcome.PERMANENT and recipients_reply:
            self._settle(run, recipient_id, Response.HARD_BOUNCE, detail)
        elif outcome is Outcome.TEMPORARY and recipients_reply and result.code != 421:
            self._retry_later(run, recipient_id, detail)
        else:
            self._requeue(run, recipient_id, detail, spent=False)
            self._back_off(run, detail or "Connection lost")

    def _back_off(self, run: MailingRun, message: str) -> None:
        self._flush()
        self.d.shutdown.wait(self.d.provider_error(run, message))
