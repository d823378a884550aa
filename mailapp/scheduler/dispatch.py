"""Sending one mailing: claim recipients, render, hand over, record.

The rules that make the guarantees hold:

* A recipient is claimed (``planned`` → ``sending``) by compare-and-set, with
  ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so two dispatchers never hold the
  same row.
* Before each SMTP transaction one database transaction checks that the
  mailing may still send and marks the row begun (``tx_started_at``). A stop
  committed earlier makes that check fail, so no transaction begins after it.
* ``sent`` is written only after the provider's 250 to the end of data; a
  connection lost after the data went out leaves ``unconfirmed``, never a
  second attempt.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, select, update
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import OperationalError

from mailapp.db import RawWriter
from mailapp.delivery.message import build_message, make_message_id
from mailapp.delivery.ratelimit import RateLimiter
from mailapp.delivery.render import CompiledTemplate, TemplateProblem, compile_template
from mailapp.delivery.smtp import (
    AuthenticationFailed,
    Outcome,
    ProviderUnavailable,
    SendResult,
    SmtpConfig,
    SmtpConnection,
)
from mailapp.models import Event, Mailing, MailingState, Recipient, Response
from mailapp.models.base import UTCDateTime, utcnow
from mailapp.models.states import SENDING_STATES
from mailapp.services import journal, lifecycle
from mailapp.services import settings as settings_service
from mailapp.services.context import AppContext

log = logging.getLogger(__name__)

CLAIM_BATCH = 40
#: How often the journal gets a ``batch_sent`` line while sending.
BATCH_EVENT_SECONDS = 5.0
#: How often the window is told that progress moved.
PROGRESS_SECONDS = 0.5
MAX_BACKOFF = 30.0

_SENDING_STATE_VALUES = [s.value for s in SENDING_STATES]


@dataclass(frozen=True)
class Claimed:
    id: int
    email: str
    contact: dict[str, Any]


@dataclass(frozen=True)
class MailingSnapshot:
    id: int
    name: str
    kind: str
    subject: str
    html: str
    sender_name: str
    sender_email: str


@dataclass
class _Lane:
    """One SMTP connection's thread: its connection, and the message it
    sent last whose ``sent`` is not yet written."""

    domain: str
    db: RawWriter
    connection: SmtpConnection | None = None
    accepted: tuple[int, datetime] | None = None


class _HotSql:
    """The two statements written for every message, as plain SQL.

    Building them with the expression language costs more than SQLite's
    whole transaction; compiled once here they are sent to the driver as
    they are.
    """

    def __init__(self, dialect: Dialect) -> None:
        p = "%s" if dialect.name == "postgresql" else "?"
        sending = ", ".join(f"'{s.value}'" for s in SENDING_STATES)
        self.begin = (
            f"UPDATE recipients SET tx_started_at = {p}, message_id = {p},"
            f" attempts = attempts + 1, updated_at = {p}"
            f" WHERE id = {p} AND response = '{Response.SENDING.value}' AND claimed_by = {p}"
            f" AND EXISTS (SELECT 1 FROM mailings WHERE id = {p} AND state IN ({sending})"
            f" AND (expires_at IS NULL OR expires_at > {p}))"
        )
        self.sent = (
            f"UPDATE recipients SET response = '{Response.SENT.value}', sent_at = {p},"
            f" last_error = NULL, updated_at = {p}"
            f" WHERE id = {p} AND claimed_by = {p} AND response = '{Response.SENDING.value}'"
        )
        skip_locked = " FOR UPDATE SKIP LOCKED" if dialect.name == "postgresql" else ""
        self.claim = (
            f"UPDATE recipients SET response = '{Response.SENDING.value}', claimed_by = {p}"
            f" WHERE id IN (SELECT id FROM recipients WHERE mailing_id = {p}"
            f" AND response = '{Response.PLANNED.value}'"
            f" AND (next_attempt_at IS NULL OR next_attempt_at <= {p})"
            f" ORDER BY id LIMIT {p}{skip_locked})"
            f" AND response = '{Response.PLANNED.value}'"
            f" AND EXISTS (SELECT 1 FROM mailings WHERE id = {p} AND state IN ({sending}))"
            " RETURNING id"
        )
        as_json = f"CAST({p} AS json)" if dialect.name == "postgresql" else p
        self.journal = (
            "INSERT INTO journal (time, mailing_id, event, type, params, message)"
            f" VALUES ({p}, {p}, {p}, {p}, {as_json}, {p})"
        )
        #: ``{ids}``: integers this worker just claimed.
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


class MailingDispatch:
    """One run of sending for one mailing, over ``SmtpConnections`` threads.

    Ends when nothing is left to claim, when the mailing leaves the sending
    states, when the provider fails for good, or when ``shutdown`` is set
    (in-flight transactions finish first).
    """

    def __init__(
        self,
        ctx: AppContext,
        worker_id: str,
        mailing_id: int,
        smtp_config: SmtpConfig,
        shutdown: threading.Event,
        limiter: RateLimiter,
    ) -> None:
        self.ctx = ctx
        self.worker_id = worker_id
        self.mailing_id = mailing_id
        self.smtp_config = smtp_config
        self.shutdown = shutdown
        self.limiter = limiter
        self.halt = threading.Event()
        self._lock = threading.Lock()
        self._errors = 0
        self._reported: set[str] = set()
        self._sent_since_event = 0
        self._last_event = time.monotonic()
        self._last_progress = 0.0
        self._marked_sending = False
        self._postgres = ctx.db.dialect == "postgresql"
        self._database_error = ""
        self._sql = _HotSql(ctx.db.engine.dialect)

    # -- the run ---------------------------------------------------------

    def run(self) -> None:
        settings = settings_service.load(self.ctx)
        snapshot = self._snapshot()
        if snapshot is None:
            return
        try:
            template = compile_template(snapshot.subject, snapshot.html)
        except TemplateProblem as exc:
            lifecycle.mark_error(
                self.ctx, self.mailing_id, f"Template error: {exc}", provider=False
            )
            return
        self.settings = settings
        threads = [
            threading.Thread(
                target=self._connection_loop,
                args=(snapshot, template),
                name=f"smtp-{self.mailing_id}-{n}",
                daemon=True,
            )
            for n in range(settings.connections)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if self._database_error:
            error = f"The database cannot be written: {self._database_error}"
            self._retrying(lambda: lifecycle.mark_error(self.ctx, self.mailing_id, error))
        self.ctx.hub.mailings_changed(self.mailing_id)

    def _retrying(self, write: Callable[[], object]) -> None:
        """Repeat a write the database refuses (a full disk) until it goes
        through or the process stops; the state on disk must catch up with
        what the provider was told."""
        delay = 0.5
        while True:
            try:
                write()
                return
            except OperationalError as exc:
                log.warning("writing to the database failed, trying again: %s", exc.orig)
            if self.shutdown.wait(delay):
                return
            delay = min(delay * 2, MAX_BACKOFF)

    def _stopping(self) -> bool:
        return self.shutdown.is_set() or self.halt.is_set()

    def _snapshot(self) -> MailingSnapshot | None:
        with self.ctx.db.read() as session:
            mailing = session.get(Mailing, self.mailing_id)
            if mailing is None or MailingState(mailing.state) not in SENDING_STATES:
                return None
            return MailingSnapshot(
                id=mailing.id,
                name=mailing.name,
                kind=mailing.kind,
                subject=mailing.subject,
                html=mailing.html,
                sender_name=mailing.sender_name,
                sender_email=mailing.sender_email,
            )

    def _connection_loop(self, snapshot: MailingSnapshot, template: CompiledTemplate) -> None:
        lane = _Lane(
            domain=snapshot.sender_email.rpartition("@")[2] or "localhost",
            db=self.ctx.db.raw_writer(),
        )
        try:
            while not self._stopping():
                batch = self._claim(lane, CLAIM_BATCH)
                if not batch:
                    break
                done = 0
                try:
                    for row in batch:
                        if self._stopping() or not self.limiter.acquire(self.halt):
                            break
                        self._send_one(lane, row, snapshot, template)
                        done += 1
                finally:
                    # Halting: log what was sent with its last row's commit.
                    self._record_accepted(lane, last=self._stopping())
                    self._release([r.id for r in batch[done:]])
            self._record_accepted(lane, last=True)
        except OperationalError as exc:  # a full disk, a lost database server
            log.error("dispatch of mailing %s cannot write: %s", self.mailing_id, exc.orig)
            self._database_error = str(exc.orig)
            self.halt.set()
        except Exception:
            log.exception("dispatch of mailing %s failed", self.mailing_id)
            self.halt.set()
        finally:
            if lane.connection is not None:
                lane.connection.close()
            self._retrying(lambda: self._record_accepted(lane))
            lane.db.close()

    def _send_one(
        self,
        lane: _Lane,
        row: Claimed,
        snapshot: MailingSnapshot,
        template: CompiledTemplate,
    ) -> None:
        unsubscribe_url = self._unsubscribe_url(row.email)
        try:
            rendered = template.render(row.contact, snapshot.name, unsubscribe_url)
        except TemplateProblem as exc:
            self._finish(row.id, Response.CANCELLED_TEMPLATE_ERROR, error=str(exc))
            return
        message_id = make_message_id(lane.domain)
        data = build_message(
            sender_name=snapshot.sender_name,
            sender_email=snapshot.sender_email,
            to=row.email,
            subject=rendered.subject,
            html=rendered.html,
            text=rendered.text,
            message_id=message_id,
            unsubscribe_url=unsubscribe_url,
            mailing_id=snapshot.id,
        )
        if lane.connection is None:
            lane.connection = self._open()
            if lane.connection is None:
                self._requeue(row.id)
                return
        began = self._begin(lane, row.id, message_id, record_sent=lane.accepted)
        lane.accepted = None  # written by that commit
        if not began:
            self.halt.set()
            self._release([row.id])
            return
        result = lane.connection.send(snapshot.sender_email, row.email, data)
        self._after_send(lane, row.id, result)
        if not lane.connection.is_open:  # dropped, or closed by the server (421)
            lane.connection.close()
            lane.connection = None

    def _after_send(self, lane: _Lane, recipient_id: int, result: SendResult) -> None:
        if result.outcome is Outcome.ACCEPTED:
            # Written with the lane's next begin: one commit a message.
            lane.accepted = (recipient_id, utcnow())
            self._count_sent()
        else:
            self._record(recipient_id, result)

    def _record_accepted(self, lane: _Lane, *, last: bool = False) -> None:
        """Write the lane's pending ``sent``; ``last`` also logs what is left
        to log of this run."""
        if lane.accepted is None and not last:
            return
        with lane.db.transaction() as cursor:
            recorded = 0
            if lane.accepted is not None:
                recipient_id, moment = lane.accepted
                sent_at = self._sql.time(moment)
                cursor.execute(self._sql.sent, (sent_at, sent_at, recipient_id, self.worker_id))
                recorded = 1
            self._note_recorded(cursor, recorded, force=last)
        lane.accepted = None

    def _unsubscribe_url(self, email: str) -> str:
        template = self.settings.unsubscribe_url
        return template.replace("{email}", email) if template else ""

    # -- provider errors ---------------------------------------------------

    def _open(self) -> SmtpConnection | None:
        while not self._stopping():
            connection = SmtpConnection(self.smtp_config)
            try:
                connection.open()
            except AuthenticationFailed as exc:
                self._fatal(str(exc))
                return None
            except ProviderUnavailable as exc:
                self._provider_error(str(exc))
                continue
            return connection
        return None

    def _provider_error(self, message: str) -> None:
        """Count a consecutive provider error, report it once, back off."""
        with self._lock:
            self._errors += 1
            errors = self._errors
            first_time = message not in self._reported
            self._reported.add(message)
        if errors >= self.settings.max_errors:
            self._fatal(f"{message} ({errors} errors in a row)")
            return
        if first_time:
            with self.ctx.db.write() as session:
                journal.record(session, self.mailing_id, Event.PROVIDER_ERROR, error=message)
            self.ctx.hub.mailings_changed(self.mailing_id)
        self.halt.wait(min(MAX_BACKOFF, 0.25 * 2 ** min(errors, 8)))

    def _fatal(self, message: str) -> None:
        if not self.halt.is_set():
            self.halt.set()
            lifecycle.mark_error(self.ctx, self.mailing_id, message)

    # -- the database side ---------------------------------------------------

    def _claim(self, lane: _Lane, limit: int) -> list[Claimed]:
        """Take up to ``limit`` due recipients for this worker, if the mailing
        may still send (compare-and-set; SKIP LOCKED on PostgreSQL)."""
        sql = self._sql
        now = sql.time(utcnow())
        with lane.db.transaction() as cursor:
            cursor.execute(
                sql.claim, (self.worker_id, self.mailing_id, now, limit, self.mailing_id)
            )
            ids = [row[0] for row in cursor.fetchall()]
            if not ids:
                return []
            cursor.execute(sql.claimed_rows.format(ids=",".join(map(str, ids))))
            claimed = []
            for rid, email, contact_email, first, last, fields in cursor.fetchall():
                custom = json.loads(fields) if isinstance(fields, str) else fields
                claimed.append(
                    Claimed(
                        id=rid,
                        email=email,
                        contact={
                            **(custom or {}),
                            "email": contact_email or email,
                            "first_name": first or "",
                            "last_name": last or "",
                        },
                    )
                )
        return claimed

    def _begin(
        self,
        lane: _Lane,
        recipient_id: int,
        message_id: str,
        record_sent: tuple[int, datetime] | None,
    ) -> bool:
        """Mark the SMTP transaction begun, if the mailing may still send;
        in the same commit, record the lane's previous message as sent."""
        sql, now = self._sql, self._sql.time(utcnow())
        with lane.db.transaction() as cursor:
            recorded = 0
            if record_sent is not None:
                sent_at = self._sql.time(record_sent[1])
                cursor.execute(sql.sent, (sent_at, sent_at, record_sent[0], self.worker_id))
                recorded = 1
            if self._postgres:
                cursor.execute(sql.lock_state, (self.mailing_id,))
                state = cursor.fetchone()
                if state is None or state[0] not in _SENDING_STATE_VALUES:
                    self._note_recorded(cursor, recorded, force=True)
                    return False
            cursor.execute(
                sql.begin,
                (now, message_id, now, recipient_id, self.worker_id, self.mailing_id, now),
            )
            began = cursor.rowcount
            # A refused begin means this run ends: log what it sent in the
            # same commit, before the stop can be finished.
            self._note_recorded(cursor, recorded, force=not began)
        if began and not self._marked_sending:
            self._marked_sending = True
            lifecycle.mark_sending(self.ctx, self.mailing_id)
        return bool(began)

    def _record(self, recipient_id: int, result: SendResult) -> None:
        """Write the response of a message the provider did not accept."""
        outcome = result.outcome
        detail = f"{result.code} {result.text}".strip() if result.code else result.text
        if outcome is Outcome.PERMANENT:
            self._finish(recipient_id, Response.HARD_BOUNCE, error=detail)
        elif outcome is Outcome.UNCONFIRMED:
            self._finish(recipient_id, Response.UNCONFIRMED, error=detail)
            self._provider_error(detail or "Connection lost after the message was sent")
        elif outcome is Outcome.TEMPORARY and result.code == 421:
            # The service, not this recipient, is unavailable: no attempt
            # is spent; the connection backs off and MaxSendErrors decides.
            self._requeue(recipient_id, error=detail, spent=False)
            self._provider_error(detail)
        elif outcome is Outcome.TEMPORARY:
            self._retry_later(recipient_id, detail)
        else:  # NOT_SENT or ABORTED: the provider surely does not have it
            self._requeue(recipient_id, error=detail, spent=False)
            if outcome is Outcome.NOT_SENT:
                self._provider_error(detail or "Connection lost")

    def _count_sent(self) -> None:
        with self._lock:
            self._errors = 0
        self._notify_progress()

    def _mine(self, recipient_id: int) -> Any:
        """The row, if this worker still holds it."""
        return and_(
            Recipient.id == recipient_id,
            Recipient.claimed_by == self.worker_id,
            Recipient.response == Response.SENDING.value,
        )

    def _settle(self, recipient_id: int, values: dict[str, Any], error: str | None) -> None:
        if error:
            values["last_error"] = error[:1000]
        values["updated_at"] = utcnow()
        with self.ctx.db.write_conn() as conn:
            conn.execute(update(Recipient).where(self._mine(recipient_id)).values(**values))

    def _finish(self, recipient_id: int, response: Response, *, error: str | None = None) -> None:
        self._settle(recipient_id, {"response": response.value}, error)

    def _retry_later(self, recipient_id: int, error: str) -> None:
        """A 4xx: try again after a doubling wait, then give up as soft bounce."""
        with self.ctx.db.read() as session:
            attempts = session.scalar(
                select(Recipient.attempts).where(Recipient.id == recipient_id)
            )
        attempts = attempts or 1
        if attempts > self.settings.soft_bounce_retries:
            self._finish(recipient_id, Response.SOFT_BOUNCE, error=error)
            return
        delay = self.settings.retry_delay_seconds * 2 ** (attempts - 1)
        self._requeue(recipient_id, error, later=timedelta(seconds=delay))

    def _requeue(
        self,
        recipient_id: int,
        error: str | None = None,
        *,
        spent: bool = True,
        later: timedelta | None = None,
    ) -> None:
        """Back to ``planned``: the provider certainly did not take it. With
        ``spent=False`` the transaction begun does not count as an attempt;
        ``later`` holds the recipient back that long."""
        values: dict[str, Any] = {
            "response": Response.PLANNED.value,
            "claimed_by": None,
            "tx_started_at": None,
        }
        if not spent:
            values["attempts"] = Recipient.attempts - 1
        if later is not None:
            values["next_attempt_at"] = utcnow() + later
        self._settle(recipient_id, values, error)

    def _release(self, recipient_ids: list[int]) -> None:
        """Give back claims that never began a transaction."""
        if not recipient_ids:
            return
        with self.ctx.db.write_conn() as conn:
            conn.execute(
                update(Recipient)
                .where(
                    and_(
                        Recipient.id.in_(recipient_ids),
                        Recipient.claimed_by == self.worker_id,
                        Recipient.response == Response.SENDING.value,
                        Recipient.tx_started_at.is_(None),
                    )
                )
                .values(response=Response.PLANNED.value, claimed_by=None)
            )

    def _note_recorded(self, cursor: Any, recorded: int, *, force: bool = False) -> None:
        """Count messages written as sent; now and then log ``batch_sent`` in
        the same commit, so the log never tells of a stop before the
        messages sent ahead of it."""
        now = time.monotonic()
        with self._lock:
            self._sent_since_event += recorded
            due = force or now - self._last_event >= BATCH_EVENT_SECONDS
            count = self._sent_since_event if due else 0
            if due:
                self._sent_since_event = 0
                self._last_event = now
        if count:
            row = journal.event_values(self.mailing_id, Event.BATCH_SENT, count=count)
            cursor.execute(
                self._sql.journal,
                (
                    self._sql.time(row["time"]),
                    row["mailing_id"],
                    row["event"],
                    row["type"],
                    json.dumps(row["params"]),
                    row["message"],
                ),
            )

    def _notify_progress(self) -> None:
        now = time.monotonic()
        with self._lock:
            due = now - self._last_progress >= PROGRESS_SECONDS
            if due:
                self._last_progress = now
        if due:
            self.ctx.hub.mailings_changed(self.mailing_id, progress=True)
