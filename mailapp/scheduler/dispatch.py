"""The process's dispatcher: a fixed set of SMTP lanes shared by every mailing.

``SmtpConnections`` is the number of SMTP connections of the process, not of
a mailing: that many lanes (threads) take turns over the mailings that have
something to send, one claimed batch at a time (round-robin, so a big
mailing never starves a small one). Each lane owns one SMTP connection, one
database connection of its own and one lease; nothing it does grows with the
number of mailings, and it never occupies the scheduler's threads.

The rules that make the guarantees hold:

* A recipient is claimed (``planned`` → ``sending``) under the lane's lease
  by compare-and-set, with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL.
* Every later write for that row — begin, sent, requeue, final response —
  is conditional on the lease and on the row's state, and its row count is
  checked. A write that finds its row taken is an incident: logged as an
  error naming the recipient, and the lane drops everything it holds.
* Before each SMTP transaction one database transaction checks that the
  mailing may still send and marks the row begun (``tx_started_at``, only
  if not begun yet). A stop committed earlier makes that check fail, so no
  transaction begins after it.
* ``sent`` is written only after the provider's 250 to the end of data; a
  connection lost after the data went out leaves ``unconfirmed``, never a
  second attempt. A 250 is kept until the database has taken it.
* What belongs to one recipient (an address that cannot be sent, a template
  error for that contact) ends that recipient; what is the same for every
  message (a bad setting, a broken layout, a provider refusing the sender)
  counts towards ``MaxSendErrors`` or puts the mailing in ``error`` at once.
  Nothing is retried in a tight loop.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError

from mailapp.db import LaneConnection, LaneDatabaseError
from mailapp.delivery.addresses import EnvelopeAddress, envelope_address
from mailapp.delivery.dkim import DkimError, DkimSigner
from mailapp.delivery.message import (
    AddressError,
    MessageError,
    build_message,
    make_message_id,
    unsubscribe_link,
)
from mailapp.delivery.ratelimit import RateLimiter
from mailapp.delivery.render import CompiledTemplate, TemplateProblem, compile_template
from mailapp.delivery.smtp import (
    AuthenticationFailed,
    Outcome,
    Phase,
    ProviderUnavailable,
    SendResult,
    SmtpConfig,
    SmtpConnection,
)
from mailapp.delivery.tokens import Tokens
from mailapp.delivery.verp import verp_sender
from mailapp.models import Event, Mailing, Response
from mailapp.models.base import UTCDateTime
from mailapp.models.states import SENDING_STATES
from mailapp.scheduler import leases
from mailapp.services import dkim_setup, journal, lifecycle, unsubscribe
from mailapp.services.context import AppContext
from mailapp.services.settings import SystemSettings

log = logging.getLogger(__name__)

T = TypeVar("T")

CLAIM_BATCH = 40
#: How often the journal gets a ``batch_sent`` line while sending.
BATCH_EVENT_SECONDS = 5.0
#: How often the window is told that progress moved.
PROGRESS_SECONDS = 0.5
MAX_BACKOFF = 30.0
#: How often the process raises the beat of its leases.
HEARTBEAT_SECONDS = 2.0
#: An idle lane says QUIT after this long without work.
IDLE_SECONDS = 30.0

_SENDING_STATE_VALUES = frozenset(s.value for s in SENDING_STATES)
_PROBE_ADDRESS = "probe@example.com"


@dataclass(frozen=True)
class Claimed:
    id: int
    email: str
    contact: dict[str, Any]


class _HotSql:
    """The statements of the lanes, as plain SQL compiled once.

    Building them with the expression language costs more than SQLite's
    whole transaction; here they go to the driver as they are. Every write
    names the lease (``claimed_by``) and the row state it expects.
    """

    def __init__(self, dialect: Dialect) -> None:
        p = "%s" if dialect.name == "postgresql" else "?"
        sending = ", ".join(f"'{s}'" for s in sorted(_SENDING_STATE_VALUES))
        mine = f"id = {p} AND claimed_by = {p} AND response = '{Response.SENDING.value}'"
        #: The mailing may send: a sending state, not expired, not held.
        free = f"(hold_until IS NULL OR hold_until <= {p})"
        self.begin = (
            f"UPDATE recipients SET tx_started_at = {p}, message_id = {p},"
            f" attempts = attempts + 1, updated_at = {p}"
            f" WHERE {mine} AND tx_started_at IS NULL"
            f" AND EXISTS (SELECT 1 FROM mailings WHERE id = {p} AND state IN ({sending})"
            f" AND (expires_at IS NULL OR expires_at > {p}) AND {free})"
        )
        self.sent = (
            f"UPDATE recipients SET response = '{Response.SENT.value}', sent_at = {p},"
            f" last_error = NULL, updated_at = {p}"
            f" WHERE {mine} AND message_id = {p} AND tx_started_at IS NOT NULL"
        )
        #: A 250 that arrived after a peer settled the row as ``unconfirmed``:
        #: the provider has it, and the message id proves it was this one.
        self.sent_after_release = (
            f"UPDATE recipients SET response = '{Response.SENT.value}', sent_at = {p},"
            f" last_error = NULL, updated_at = {p}"
            f" WHERE id = {p} AND message_id = {p} AND response = '{Response.UNCONFIRMED.value}'"
        )
        self.settle = (
            f"UPDATE recipients SET response = {p}, last_error = {p}, updated_at = {p} WHERE {mine}"
        )
        self.requeue = (
            f"UPDATE recipients SET response = '{Response.PLANNED.value}', claimed_by = NULL,"
            f" tx_started_at = NULL, attempts = attempts - {p}, next_attempt_at = {p},"
            f" last_error = {p}, updated_at = {p} WHERE {mine}"
        )
        self.release = (
            f"UPDATE recipients SET response = '{Response.PLANNED.value}', claimed_by = NULL"
            f" WHERE id IN ({{ids}}) AND claimed_by = {p}"
            f" AND response = '{Response.SENDING.value}' AND tx_started_at IS NULL"
        )
        self.row = (
            "SELECT r.response, r.claimed_by, r.message_id, r.attempts, r.email, m.state"
            f" FROM recipients r JOIN mailings m ON m.id = r.mailing_id WHERE r.id = {p}"
        )
        postgres = dialect.name == "postgresql"
        skip_locked = " FOR UPDATE SKIP LOCKED" if postgres else ""
        # The batch is picked once, in a materialised CTE: as a subquery of
        # the UPDATE, PostgreSQL may rescan it once per row it updates (a
        # nested loop), and every rescan that skips locked rows picks more.
        # There the rows are then found by an array of their ids, which only
        # the primary key can serve (a condition on the response would let a
        # planner without statistics scan every planned row instead); they
        # are locked by this transaction, so they are still planned.
        # SQLite, with one writer, checks the response again.
        picked = (
            "recipients.id = ANY(ARRAY(SELECT id FROM picked))"
            if postgres
            else f"id IN (SELECT id FROM picked) AND response = '{Response.PLANNED.value}'"
        )
        self.claim = (
            f"WITH picked AS MATERIALIZED (SELECT id FROM recipients WHERE mailing_id = {p}"
            f" AND response = '{Response.PLANNED.value}'"
            f" AND (next_attempt_at IS NULL OR next_attempt_at <= {p})"
            f" ORDER BY id LIMIT {p}{skip_locked})"
            f" UPDATE recipients SET response = '{Response.SENDING.value}', claimed_by = {p}"
            f" WHERE {picked}"
            f" AND EXISTS (SELECT 1 FROM mailings WHERE id = {p} AND state IN ({sending})"
            f" AND {free})"
            " RETURNING id"
        )
        as_json = f"CAST({p} AS json)" if dialect.name == "postgresql" else p
        self.journal = (
            "INSERT INTO journal (time, mailing_id, event, type, params, message)"
            f" VALUES ({p}, {p}, {p}, {p}, {as_json}, {p})"
        )
        #: ``{ids}``: integers this lane just claimed.
        self.claimed_rows = (
            "SELECT r.id, r.email, c.email, c.first_name, c.last_name, c.fields"
            " FROM recipients r LEFT JOIN contacts c ON c.id = r.contact_id"
            " WHERE r.id IN ({ids}) ORDER BY r.id"
        )
        # Shares the row lock a stop's UPDATE takes: either the begin
        # commits first (the send is in flight) or it sees the stop.
        self.lock_state = f"SELECT state FROM mailings WHERE id = {p} FOR SHARE"
        process = UTCDateTime().bind_processor(dialect)
        self.time: Callable[[datetime], Any] = process or (lambda value: value)


class _LeaseLost(Exception):
    """A row this lane held was taken: its lease is no longer honoured."""


class _Abandon(Exception):
    """The process stops while the database does not answer."""


@dataclass
class MailingRun:
    """What the lanes share about one mailing while it sends.

    Built once when the mailing is first served: its content compiled, the
    parts that are the same for every message checked by building a probe
    message, so a bad setting is one ``error`` rather than a failure per
    recipient.
    """

    mailing_id: int
    name: str
    subject: str
    sender_name: str
    sender_email: str
    #: The address of ``From`` as the envelope needs it (the domain in punycode).
    sender: EnvelopeAddress
    domain: str
    template: CompiledTemplate
    unsubscribe_url: str
    settings: SystemSettings
    #: Signs every message when DKIM is set up (``DkimDomain``).
    signer: DkimSigner | None = None
    #: Makes the recipients' tokens when the unsubscribe link has ``{token}``
    #: or ``BounceAddress`` is set.
    tokens: Tokens | None = None
    #: ``BounceAddress``, when set: each message then has its own envelope
    #: sender ``LOCAL+TOKEN@DOMAIN`` (VERP).
    bounce_address: str = ""
    halted: bool = False
    errors: int = 0
    reported: set[str] = field(default_factory=set)
    sent_since_event: int = 0
    last_event: float = field(default_factory=time.monotonic)
    last_progress: float = 0.0
    marked_sending: bool = False
    database_error: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def envelope_sender(self, recipient_id: int, issued: datetime) -> str:
        """``MAIL FROM`` of one recipient's message: where its bounces return."""
        if not self.bounce_address or self.tokens is None:
            return self.sender.address
        return verp_sender(self.bounce_address, self.tokens, recipient_id, issued)


@dataclass
class _Accepted:
    """A 250 whose ``sent`` is not yet in the database."""

    run: MailingRun
    recipient_id: int
    message_id: str
    moment: datetime


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
        self.sql = _HotSql(ctx.db.engine.dialect)
        self.postgres = ctx.db.dialect == "postgresql"
        self._cond = threading.Condition()
        self._ring: list[int] = []
        self._runs: dict[int, MailingRun] = {}
        self._lanes: list[_Lane] = []
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
        with self._cond:
            return bool(self._ring)

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
            with _suppress_db_errors("giving back the leases"):
                leases.unregister(self.ctx, leftover)

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
                new.append(_Lane(self, self._lane_count))
            self._lanes += new
            self._cond.notify_all()
        for lane in new:
            lane.start()

    def take(self, lane: _Lane, timeout: float) -> MailingRun | None:
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
            if mailing is None or mailing.state not in _SENDING_STATE_VALUES:
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
            with _suppress_db_errors("logging a provider error"):
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
        _retrying(
            self.shutdown,
            lambda: lifecycle.mark_error(self.ctx, run.mailing_id, message, provider=provider),
        )


def _retrying(shutdown: threading.Event, write: Callable[[], object]) -> None:
    """Repeat a write the database refuses (a full disk, a lost server)
    until it goes through or the process stops."""
    delay = 0.5
    while True:
        try:
            write()
            return
        except DBAPIError as exc:
            log.warning("writing to the database failed, trying again: %s", exc.orig)
        if shutdown.wait(delay):
            return
        delay = min(delay * 2, MAX_BACKOFF)


class _suppress_db_errors:  # noqa: N801 - used as a statement, like contextlib's
    """Log and swallow a failed write that the next tick will make again."""

    def __init__(self, what: str) -> None:
        self.what = what

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, _tb: Any
    ) -> bool:
        if exc is not None and isinstance(exc, DBAPIError):
            log.warning("%s failed: %s", self.what, exc)
            return True
        return False


class _Lane(threading.Thread):
    """One SMTP connection, one database connection, one lease."""

    def __init__(self, dispatcher: Dispatcher, number: int) -> None:
        super().__init__(name=f"smtp-lane-{number}", daemon=True)
        self.d = dispatcher
        self.ctx = dispatcher.ctx
        self.sql = dispatcher.sql
        self.db: LaneConnection = dispatcher.ctx.db.lane_connection()
        self.lease = ""
        self.lost = threading.Event()
        self.retired = False
        self.connection: SmtpConnection | None = None
        self.accepted: _Accepted | None = None
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
                    run = self.d.take(self, timeout=1.0)
                    if run is None:
                        self._idle()
                        continue
                    self._serve(run)
                except _LeaseLost:
                    self._drop_lease()
                except Exception as exc:
                    # A fault of the code, not of a recipient or the provider:
                    # logged, counted towards MaxSendErrors, backed off.
                    log.exception("lane %s failed", self.name)
                    self._settle_in_flight(run)
                    pause = self.d.provider_error(run, f"Internal error: {exc}") if run else 2.0
                    self.d.shutdown.wait(pause)
        except _Abandon:
            log.warning("lane %s stops without the database", self.name)
        finally:
            self._close_smtp()
            if self.lease and self.retired and not self.d.shutdown.is_set():
                with _suppress_db_errors("giving back a lease"):
                    leases.unregister(self.ctx, [self.lease])
                self.lease = ""
            self.db.close()

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
        pending, self.accepted = self.accepted, None
        self._in_flight = None
        if pending is not None:
            recorded = self._db(pending.run, lambda cursor: self._write_sent(cursor, pending))
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
        with contextlib.suppress(_LeaseLost), _suppress_db_errors("settling a cut transaction"):
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
            self.accepted = _Accepted(run, row.id, message_id, self.ctx.db.now())
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

    # -- the database side ------------------------------------------------------

    def _note_sent(self, cursor: Any, run: MailingRun, recorded: int, *, force: bool) -> None:
        """Log ``batch_sent`` now and then, in the commit that writes the
        rows, so the log never tells of a stop before the messages sent
        ahead of it. The count is taken off at once (another lane may log
        next) and given back if this transaction fails."""
        now = time.monotonic()
        with run.lock:
            total = run.sent_since_event + recorded
            if not total or not (force or now - run.last_event >= BATCH_EVENT_SECONDS):
                return
            run.sent_since_event -= total
            run.last_event = now
        self._reserved.append((run, total))
        self.d.insert_event(
            cursor, journal.event_values(run.mailing_id, Event.BATCH_SENT, count=total)
        )

    def _log_rest(self, run: MailingRun) -> None:
        """Log what is left to log of ``run``: this lane found it drained."""
        if run.sent_since_event:
            self._db(run, lambda cursor: self._note_sent(cursor, run, 0, force=True))

    def _db(self, run: MailingRun, step: Callable[[Any], T]) -> T:
        """Run ``step`` in a transaction of the lane's connection; on any
        driver error reconnect and run it again, until it goes through.

        Every step is safe to repeat: its writes are conditional on the
        lease and the row state, and a repeat after a commit whose answer
        was lost finds its own work done. While the database refuses writes
        for lack of space nothing new begins; once it takes them again the
        mailing goes to ``error`` (the user decides when to go on).
        """
        delay = 0.2
        while True:
            self._reserved: list[tuple[MailingRun, int]] = []
            try:
                with self.db.transaction() as cursor:
                    return step(cursor)
            except BaseException as exc:
                for reserved_run, count in self._reserved:
                    with reserved_run.lock:
                        reserved_run.sent_since_event += count
                if not isinstance(exc, LaneDatabaseError):
                    raise
                if exc.disk_full and not run.database_error:
                    run.database_error = str(exc.orig)
                    log.error("mailing %s: the database cannot be written: %s", run.mailing_id, exc)
                else:
                    log.warning("lane %s: database error, reconnecting: %s", self.name, exc)
            if self.d.shutdown.wait(delay):
                raise _Abandon
            delay = min(delay * 2, 5.0)
            if run.database_error and not run.halted:
                error = f"The database cannot be written: {run.database_error}"
                try:
                    lifecycle.mark_error(self.ctx, run.mailing_id, error, provider=False)
                except DBAPIError:
                    continue
                run.halted = True
                self.d.halt(run.mailing_id)

    def _claim(self, run: MailingRun) -> list[Claimed]:
        sql, lease = self.sql, self.lease
        now = sql.time(self.ctx.db.now())

        def claim(cursor: Any) -> list[Claimed]:
            cursor.execute(
                sql.claim, (run.mailing_id, now, CLAIM_BATCH, lease, run.mailing_id, now)
            )
            ids = [row[0] for row in cursor.fetchall()]
            if not ids:
                return []
            cursor.execute(sql.claimed_rows.format(ids=",".join(map(str, ids))))
            claimed = []
            for rid, email, contact_email, first, last, fields in cursor.fetchall():
                custom = json.loads(fields) if isinstance(fields, str) else fields
                contact = {
                    **(custom or {}),
                    "email": contact_email or email,
                    "first_name": first or "",
                    "last_name": last or "",
                }
                claimed.append(Claimed(id=rid, email=email, contact=contact))
            return claimed

        return self._db(run, claim)

    def _begin(self, run: MailingRun, recipient_id: int, message_id: str) -> bool:
        """Mark the SMTP transaction begun, if the mailing may still send; the
        lane's previous 250 is recorded in the same commit."""
        sql, lease, pending = self.sql, self.lease, self.accepted
        stamp = sql.time(self.ctx.db.now())

        def begin(cursor: Any) -> tuple[str, int]:
            recorded = self._write_sent(cursor, pending) if pending is not None else 0
            verdict = "halted"
            if not self._postgres_state_refuses(cursor, run):
                cursor.execute(
                    sql.begin,
                    (stamp, message_id, stamp, recipient_id, lease, run.mailing_id, stamp, stamp),
                )
                verdict = (
                    "begun"
                    if cursor.rowcount == 1
                    else self._why_not_begun(cursor, run, recipient_id, message_id)
                )
            # A refused begin ends this mailing's sending here: what it sent
            # is logged in the same commit, before a stop can be finished.
            ending = verdict != "begun"
            if pending is not None:
                self._note_sent(cursor, pending.run, recorded, force=ending and pending.run is run)
            if ending and (pending is None or pending.run is not run):
                self._note_sent(cursor, run, 0, force=True)
            return verdict, recorded

        verdict, recorded = self._db(run, begin)
        if pending is not None:
            self.accepted = None
            self.d.committed(pending.run, recorded)
        if verdict == "lost":
            raise _LeaseLost(f"recipient {recipient_id} was taken")
        if verdict != "begun":
            run.halted = True
            self.d.halt(run.mailing_id)
            return False
        self._in_flight = recipient_id
        if not run.marked_sending:
            with _suppress_db_errors("moving the mailing to sending"):
                lifecycle.mark_sending(self.ctx, run.mailing_id)
                run.marked_sending = True
        return True

    def _postgres_state_refuses(self, cursor: Any, run: MailingRun) -> bool:
        if not self.d.postgres:
            return False
        cursor.execute(self.sql.lock_state, (run.mailing_id,))
        state = cursor.fetchone()
        return state is None or state[0] not in _SENDING_STATE_VALUES

    def _why_not_begun(
        self, cursor: Any, run: MailingRun, recipient_id: int, message_id: str
    ) -> str:
        """``begun`` (by this lane, in a commit whose answer was lost),
        ``halted`` (the mailing may not send now) or ``lost`` (the row was
        taken: an incident, logged in this transaction)."""
        cursor.execute(self.sql.row, (recipient_id,))
        found = cursor.fetchone()
        if found is None:
            return "halted"  # the mailing was deleted
        response, claimed_by, row_message_id, _attempts, email, state = found
        if claimed_by == self.lease and response == Response.SENDING.value:
            # Still this lane's: either its own begin whose answer was lost,
            # or the mailing may not send now (expired, held).
            return "begun" if row_message_id == message_id else "halted"
        if state not in _SENDING_STATE_VALUES or response != Response.SENDING.value:
            # Stopped, paused, expired or put in error: the row was settled
            # by that move, not taken by a peer.
            return "halted"
        taken = f"claimed by another lane ({claimed_by})" if claimed_by else "released by a peer"
        self._incident(cursor, run, email, taken)
        return "lost"

    def _write_sent(self, cursor: Any, pending: _Accepted) -> int:
        """Record a 250; 1 when this write recorded it."""
        sql = self.sql
        stamp = sql.time(pending.moment)
        cursor.execute(
            sql.sent,
            (stamp, stamp, pending.recipient_id, self.lease, pending.message_id),
        )
        if cursor.rowcount == 1:
            return 1
        cursor.execute(sql.row, (pending.recipient_id,))
        found = cursor.fetchone()
        if found is not None and found[0] == Response.SENT.value and found[2] == pending.message_id:
            return 0  # a repeat of a commit whose answer was lost
        cursor.execute(
            sql.sent_after_release,
            (stamp, stamp, pending.recipient_id, pending.message_id),
        )
        email = found[4] if found is not None else str(pending.recipient_id)
        if cursor.rowcount == 1:
            self._incident(
                cursor,
                pending.run,
                email,
                "the provider accepted the message after its claim had been released; "
                "recorded as sent",
            )
            return 1
        self._incident(
            cursor, pending.run, email, "the provider accepted the message, but its row was taken"
        )
        return 0

    def _incident(self, cursor: Any, run: MailingRun, email: str, detail: str) -> None:
        log.error("mailing %s, %s: %s", run.mailing_id, email, detail)
        self.d.insert_event(
            cursor,
            journal.event_values(
                run.mailing_id, Event.SENDING_INCIDENT, email=email, detail=detail
            ),
        )

    def _flush(self, *, force: bool = False) -> None:
        """Write the lane's pending 250, if any (``force``: log it now)."""
        pending = self.accepted
        if pending is None:
            return

        def write(cursor: Any) -> int:
            recorded = self._write_sent(cursor, pending)
            self._note_sent(cursor, pending.run, recorded, force=force)
            return recorded

        recorded = self._db(pending.run, write)
        self.accepted = None
        self.d.committed(pending.run, recorded)

    def _settle(self, run: MailingRun, recipient_id: int, response: Response, error: str) -> None:
        """A final response for a row this lane holds."""
        sql, lease, now = self.sql, self.lease, self.sql.time(self.ctx.db.now())

        def settle(cursor: Any) -> bool:
            cursor.execute(sql.settle, (response.value, error[:1000], now, recipient_id, lease))
            return cursor.rowcount == 1 or self._settled_elsewhere(cursor, run, recipient_id)

        if not self._db(run, settle):
            raise _LeaseLost(f"recipient {recipient_id} was taken")

    def _requeue(
        self,
        run: MailingRun,
        recipient_id: int,
        error: str,
        *,
        spent: bool = True,
        later: timedelta | None = None,
    ) -> None:
        """Back to ``planned``: the provider certainly did not take it."""
        sql, lease = self.sql, self.lease
        now = self.ctx.db.now()
        when = sql.time(now + later) if later is not None else None

        def requeue(cursor: Any) -> bool:
            cursor.execute(
                sql.requeue,
                (
                    0 if spent else 1,
                    when,
                    error[:1000] or None,
                    sql.time(now),
                    recipient_id,
                    lease,
                ),
            )
            return cursor.rowcount == 1 or self._settled_elsewhere(cursor, run, recipient_id)

        if not self._db(run, requeue):
            raise _LeaseLost(f"recipient {recipient_id} was taken")

    def _retry_later(self, run: MailingRun, recipient_id: int, error: str) -> None:
        """A 4xx for this recipient: again after a doubling wait, then soft bounce."""

        def attempts(cursor: Any) -> int:
            cursor.execute(self.sql.row, (recipient_id,))
            found = cursor.fetchone()
            return int(found[3]) if found is not None else 1

        tried = self._db(run, attempts) or 1
        if tried > run.settings.soft_bounce_retries:
            self._settle(run, recipient_id, Response.SOFT_BOUNCE, error)
            return
        delay = run.settings.retry_delay_seconds * 2 ** (tried - 1)
        self._requeue(run, recipient_id, error, later=timedelta(seconds=delay))

    def _settled_elsewhere(self, cursor: Any, run: MailingRun, recipient_id: int) -> bool:
        """True when a move of the mailing (a stop, an expiry, an error)
        settled the row; otherwise an incident, logged in this transaction."""
        cursor.execute(self.sql.row, (recipient_id,))
        found = cursor.fetchone()
        if found is None or found[5] not in _SENDING_STATE_VALUES:
            return True
        self._incident(cursor, run, found[4], "its row was taken while the lane held it")
        return False

    def _release(self, run: MailingRun, recipient_ids: list[int]) -> None:
        """Give back claims that never began a transaction."""
        if not recipient_ids:
            return
        sql = self.sql.release.format(ids=",".join(map(str, recipient_ids)))
        lease = self.lease
        self._db(run, lambda cursor: cursor.execute(sql, (lease,)))
