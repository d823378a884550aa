"""What a lane writes in the database, and how it makes sure of each write.

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
* A 250 is kept until the database has taken it: the lane writes it with
  its next begin mark, or on its own when there is no next message.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any, Protocol, TypeVar

from sqlalchemy.exc import DBAPIError

from mailapp.db import LaneConnection, LaneDatabaseError
from mailapp.models import Event, Response
from mailapp.scheduler.db_faults import Abandon, LeaseLost, suppress_db_errors
from mailapp.scheduler.hot_sql import SENDING_STATE_VALUES, HotSql
from mailapp.scheduler.mailing_run import Accepted, Claimed, MailingRun
from mailapp.services import journal, lifecycle
from mailapp.services.context import AppContext

log = logging.getLogger(__name__)

T = TypeVar("T")

#: How many recipients a lane claims in one turn of a mailing.
CLAIM_BATCH = 40
#: How often the journal gets a ``batch_sent`` line while sending.
BATCH_EVENT_SECONDS = 5.0


class WritesHost(Protocol):
    """What a lane's writes need of the dispatcher that runs the lane."""

    postgres: bool
    shutdown: threading.Event

    def halt(self, mailing_id: int) -> None: ...

    def committed(self, run: MailingRun, recorded: int) -> None: ...

    def insert_event(self, cursor: Any, row: dict[str, Any]) -> None: ...


class LaneWrites:
    """The database side of a lane (:class:`~mailapp.scheduler.lane.Lane`),
    which sets these attributes; every write runs on the lane's own
    connection and names the lane's lease."""

    d: WritesHost
    ctx: AppContext
    sql: HotSql
    db: LaneConnection
    lease: str
    name: str
    accepted: Accepted | None
    _in_flight: int | None
    #: ``batch_sent`` counts taken off their runs by the current transaction.
    _reserved: list[tuple[MailingRun, int]]

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
            self._reserved = []
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
                raise Abandon
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

        def claim(cursor: Any) -> list[Claimed] | None:
            cursor.execute(sql.lease_held, (lease,))
            if cursor.fetchone() is None:
                return None
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

        claimed = self._db(run, claim)
        if claimed is None:
            raise LeaseLost(f"the lease of {self.name} was released by a peer")
        return claimed

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
            raise LeaseLost(f"recipient {recipient_id} was taken")
        if verdict != "begun":
            run.halted = True
            self.d.halt(run.mailing_id)
            return False
        self._in_flight = recipient_id
        if not run.marked_sending:
            with suppress_db_errors("moving the mailing to sending"):
                lifecycle.mark_sending(self.ctx, run.mailing_id)
                run.marked_sending = True
        return True

    def _postgres_state_refuses(self, cursor: Any, run: MailingRun) -> bool:
        if not self.d.postgres:
            return False
        cursor.execute(self.sql.lock_state, (run.mailing_id,))
        state = cursor.fetchone()
        return state is None or state[0] not in SENDING_STATE_VALUES

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
        if state not in SENDING_STATE_VALUES or claimed_by == self.lease:
            # Stopped, paused, expired or put in error: the row was settled
            # by that move, not taken by a peer.
            return "halted"
        if response == Response.SENDING.value:
            self._incident(cursor, run, email, f"claimed by another lane ({claimed_by})")
            return "lost"
        # Unclaimed: by a move of the mailing (a resume, an expiry), or by a
        # peer that released the lease; only the lease row tells which. One
        # a peer is deleting counts as gone: the lane stops under it anyway.
        cursor.execute(self.sql.lease_kept, (self.lease,))
        return "halted" if cursor.fetchone() is not None else "lost"

    def _write_sent(self, cursor: Any, pending: Accepted) -> int:
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
            raise LeaseLost(f"recipient {recipient_id} was taken")

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
            raise LeaseLost(f"recipient {recipient_id} was taken")

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
        if found is None or found[5] not in SENDING_STATE_VALUES:
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
