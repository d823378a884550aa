"""Finishing a stop, an expiry or a completion survives a crash between its
transactions, on a real SQLite file and a real PostgreSQL database.

A crash is not simulated by mocks: the state it leaves is written with real
SQL, and a failed write is a real one — another connection holds what the
write needs and the database gives up waiting for it (SQLite's busy timeout,
PostgreSQL's lock timeout). The lifecycle function is then called as the
scheduler's tick calls it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Connection, create_engine, event, select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from mailapp.models import Event, Mailing, MailingState, Recipient, Response
from mailapp.services import journal, lifecycle, mailings, stops, unsent
from mailapp.services import settings as settings_service
from mailapp.services.context import AppContext
from tests.support.data import add_contacts, make_mailing


def _events(ctx: AppContext, mailing_id: int, kind: Event) -> list[journal.JournalEntry]:
    return [e for e in journal.entries(ctx, mailing_id) if e.event is kind]


def _responses(ctx: AppContext, mailing_id: int) -> dict[str, int]:
    return {k: v for k, v in mailings.get(ctx, mailing_id).responses.items() if v}


def _recipient_ids(ctx: AppContext, mailing_id: int) -> list[int]:
    with ctx.db.read() as session:
        return list(
            session.scalars(
                select(Recipient.id)
                .where(Recipient.mailing_id == mailing_id)
                .order_by(Recipient.id)
            )
        )


def _started(ctx: AppContext, count: int) -> int:
    """A bulk mailing past its delay window with ``count`` planned recipients."""
    add_contacts(ctx, [f"u{n}@example.com" for n in range(count)])
    mailing_id = make_mailing(ctx)
    settings_service.set_value(ctx, "MandrillMailingDelayInSeconds", "0")
    lifecycle.start(ctx, mailing_id)
    assert lifecycle.promote_waiting(ctx) == [mailing_id]
    return mailing_id


def _set_rows(ctx: AppContext, ids: list[int], **values: Any) -> None:
    with ctx.db.write() as session:
        session.execute(update(Recipient).where(Recipient.id.in_(ids)).values(**values))


def _set_mailing(ctx: AppContext, mailing_id: int, **values: Any) -> None:
    with ctx.db.write() as session:
        session.execute(update(Mailing).where(Mailing.id == mailing_id).values(**values))


class WriteFault:
    """Makes the application's writes fail for real.

    Another connection takes what a write needs — SQLite's write lock, or on
    PostgreSQL the mailing's row and a share lock on ``recipients`` — and
    the application's own wait is cut to a fraction of a second, so its
    write fails with the database's own error, as it would when another
    process holds the lock too long. ``after_first_batch`` takes the lock
    only once one batch of rows has been finished, so the failing write is
    the second batch.
    """

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.url = ctx.db.engine.url
        self.sqlite = ctx.db.dialect == "sqlite"
        self._armed_for: str | None = None
        self._batch_seen = False
        self._sqlite_conn: sqlite3.Connection | None = None
        self._pg_conn: Connection | None = None
        self._pg_engine = None if self.sqlite else create_engine(self.url, poolclass=NullPool)
        engine = ctx.db.engine
        if self.sqlite:

            @event.listens_for(engine, "connect")
            def _short_wait(dbapi_conn: Any, _record: Any) -> None:
                dbapi_conn.execute("PRAGMA busy_timeout=100")

        else:
            assert self._pg_engine is not None
            with self._pg_engine.connect() as conn:
                conn.execute(
                    text(f"ALTER DATABASE \"{self.url.database}\" SET lock_timeout = '200ms'")
                )
                conn.commit()
        engine.dispose()  # new connections wait only briefly

        event.listen(engine, "after_cursor_execute", self._after_execute)
        event.listen(engine, "checkout", self._on_checkout)

    def _after_execute(
        self, _conn: Any, _cursor: Any, statement: str, params: Any, _ctx: Any, _many: bool
    ) -> None:
        if self._armed_for is None:
            return
        values = params.values() if isinstance(params, dict) else params
        if statement.lstrip().upper().startswith("UPDATE RECIPIENTS SET RESPONSE") and (
            self._armed_for in values
        ):
            self._batch_seen = True

    def _on_checkout(self, _dbapi_conn: Any, _record: Any, _proxy: Any) -> None:
        # A transaction takes a connection before it begins (``BEGIN
        # IMMEDIATE`` on SQLite), so the lock is taken ahead of it.
        if self._armed_for is not None and self._batch_seen:
            self._armed_for = None
            self.block(self._mailing_id)

    def after_first_batch(self, mailing_id: int, response: Response) -> None:
        self._mailing_id = mailing_id
        self._armed_for = response.value
        self._batch_seen = False

    def block(self, mailing_id: int) -> None:
        if self.sqlite:
            self._sqlite_conn = sqlite3.connect(self.url.database or "", isolation_level=None)
            self._sqlite_conn.execute("BEGIN IMMEDIATE")
        else:
            assert self._pg_engine is not None
            self._pg_conn = self._pg_engine.connect()
            self._pg_conn.execute(
                text("SELECT id FROM mailings WHERE id = :id FOR UPDATE"), {"id": mailing_id}
            )
            self._pg_conn.execute(text("LOCK TABLE recipients IN SHARE MODE"))

    @property
    def blocking(self) -> bool:
        return self._sqlite_conn is not None or self._pg_conn is not None

    def release(self) -> None:
        if self._sqlite_conn is not None:
            self._sqlite_conn.rollback()
            self._sqlite_conn.close()
            self._sqlite_conn = None
        if self._pg_conn is not None:
            self._pg_conn.rollback()
            self._pg_conn.close()
            self._pg_conn = None

    def close(self) -> None:
        self.release()
        event.remove(self.ctx.db.engine, "after_cursor_execute", self._after_execute)
        event.remove(self.ctx.db.engine, "checkout", self._on_checkout)
        if self._pg_engine is not None:
            self._pg_engine.dispose()


@pytest.fixture
def fault(ctx: AppContext) -> Iterator[WriteFault]:
    injected = WriteFault(ctx)
    yield injected
    injected.close()


# --- expiry -----------------------------------------------------------------


def test_expired_with_planned_recipients_and_no_event_is_finished(ctx: AppContext) -> None:
    """What an older version's crash left: state committed, rows and event not."""
    mailing_id = _started(ctx, 5)
    ids = _recipient_ids(ctx, mailing_id)
    past = ctx.db.now() - timedelta(minutes=5)
    _set_rows(ctx, ids[:1], response=Response.SENT.value, tx_started_at=past, sent_at=past)
    _set_rows(ctx, ids[1:2], response=Response.STOPPED_EXPIRED.value)  # a batch got through
    _set_rows(ctx, ids[2:3], response=Response.SENDING.value, claimed_by="w1")
    _set_mailing(
        ctx,
        mailing_id,
        state=MailingState.EXPIRED.value,
        expires_at=past,
        finished_at=past,
    )

    assert lifecycle.expire_due(ctx) == [mailing_id]

    assert _responses(ctx, mailing_id) == {
        Response.SENT.value: 1,
        Response.STOPPED_EXPIRED.value: 4,
    }
    [expired] = _events(ctx, mailing_id, Event.MAILING_EXPIRED)
    assert expired.params == {"stopped": 4}
    assert mailings.get(ctx, mailing_id).state is MailingState.EXPIRED
    # Nothing left: the next tick changes nothing and writes nothing.
    assert lifecycle.expire_due(ctx) == []
    assert len(_events(ctx, mailing_id, Event.MAILING_EXPIRED)) == 1


def test_expired_with_its_event_but_unsent_recipients_is_finished(ctx: AppContext) -> None:
    """A crash after the state and event committed, before any row batch."""
    mailing_id = _started(ctx, 3)
    ids = _recipient_ids(ctx, mailing_id)
    past = ctx.db.now() - timedelta(minutes=5)
    _set_rows(ctx, ids[:1], response=Response.SENDING.value, claimed_by="w1")
    _set_mailing(ctx, mailing_id, state=MailingState.EXPIRED.value, expires_at=past)
    with ctx.db.write() as session:
        journal.record(session, mailing_id, Event.MAILING_EXPIRED, stopped=3)

    assert lifecycle.expire_due(ctx) == [mailing_id]

    assert _responses(ctx, mailing_id) == {Response.STOPPED_EXPIRED.value: 3}
    [expired] = _events(ctx, mailing_id, Event.MAILING_EXPIRED)
    assert expired.params == {"stopped": 3}


def test_recipient_requeued_after_the_expiry_is_stopped(ctx: AppContext) -> None:
    """In flight at the expiry, then a temporary failure puts it back to
    ``planned``: the next tick stops it rather than leaving it planned."""
    mailing_id = _started(ctx, 3)
    ids = _recipient_ids(ctx, mailing_id)
    now = ctx.db.now()
    _set_rows(ctx, ids[:1], response=Response.SENDING.value, claimed_by="w1", tx_started_at=now)
    _set_mailing(ctx, mailing_id, expires_at=now - timedelta(seconds=1))
    assert lifecycle.expire_due(ctx) == [mailing_id]
    assert _responses(ctx, mailing_id) == {
        Response.SENDING.value: 1,
        Response.STOPPED_EXPIRED.value: 2,
    }
    # What the dispatcher's requeue writes after a 4xx reply.
    _set_rows(
        ctx,
        ids[:1],
        response=Response.PLANNED.value,
        claimed_by=None,
        tx_started_at=None,
        next_attempt_at=now + timedelta(minutes=1),
    )

    assert lifecycle.expire_due(ctx) == [mailing_id]

    assert _responses(ctx, mailing_id) == {Response.STOPPED_EXPIRED.value: 3}
    assert len(_events(ctx, mailing_id, Event.MAILING_EXPIRED)) == 1


def test_expiry_failing_in_its_second_batch_is_finished_by_the_next_tick(
    ctx: AppContext, fault: WriteFault, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(unsent, "FINISH_BATCH", 2)
    mailing_id = _started(ctx, 6)
    _set_mailing(ctx, mailing_id, expires_at=ctx.db.now() - timedelta(seconds=1))
    fault.after_first_batch(mailing_id, Response.STOPPED_EXPIRED)

    with pytest.raises(OperationalError):
        lifecycle.expire_due(ctx)

    assert fault.blocking
    # The state and its event committed together; one batch of rows did.
    assert mailings.get(ctx, mailing_id).state is MailingState.EXPIRED
    [expired] = _events(ctx, mailing_id, Event.MAILING_EXPIRED)
    assert expired.params == {"stopped": 6}
    assert _responses(ctx, mailing_id) == {
        Response.STOPPED_EXPIRED.value: 2,
        Response.PLANNED.value: 4,
    }

    fault.release()
    assert lifecycle.expire_due(ctx) == [mailing_id]

    assert _responses(ctx, mailing_id) == {Response.STOPPED_EXPIRED.value: 6}
    assert len(_events(ctx, mailing_id, Event.MAILING_EXPIRED)) == 1


# --- stop ---------------------------------------------------------------------


def test_stopping_left_half_finished_is_stopped(ctx: AppContext) -> None:
    """A crash between the row batches of a stop, and before its close."""
    mailing_id = _started(ctx, 5)
    ids = _recipient_ids(ctx, mailing_id)
    stops.stop(ctx, mailing_id)
    _set_rows(ctx, ids[:2], response=Response.STOPPED_MANUALLY.value)
    _set_rows(ctx, ids[2:3], response=Response.SENDING.value, claimed_by="w1")

    assert lifecycle.finish_stopping(ctx) == [mailing_id]

    info = mailings.get(ctx, mailing_id)
    assert info.state is MailingState.STOPPED and info.finished_at is not None
    assert _responses(ctx, mailing_id) == {Response.STOPPED_MANUALLY.value: 5}
    [stopped] = _events(ctx, mailing_id, Event.MAILING_STOPPED_MANUALLY)
    assert stopped.params == {"stopped": 5}
    assert lifecycle.finish_stopping(ctx) == []


def test_stop_failing_in_its_second_batch_is_finished_by_the_next_tick(
    ctx: AppContext, fault: WriteFault, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(unsent, "FINISH_BATCH", 2)
    mailing_id = _started(ctx, 6)
    stops.stop(ctx, mailing_id)
    fault.after_first_batch(mailing_id, Response.STOPPED_MANUALLY)

    with pytest.raises(OperationalError):
        lifecycle.finish_stopping(ctx)

    assert fault.blocking
    assert mailings.get(ctx, mailing_id).state is MailingState.STOPPING
    assert _events(ctx, mailing_id, Event.MAILING_STOPPED_MANUALLY) == []
    assert _responses(ctx, mailing_id) == {
        Response.STOPPED_MANUALLY.value: 2,
        Response.PLANNED.value: 4,
    }

    fault.release()
    assert lifecycle.finish_stopping(ctx) == [mailing_id]

    assert mailings.get(ctx, mailing_id).state is MailingState.STOPPED
    assert _responses(ctx, mailing_id) == {Response.STOPPED_MANUALLY.value: 6}
    [stopped] = _events(ctx, mailing_id, Event.MAILING_STOPPED_MANUALLY)
    assert stopped.params == {"stopped": 6}


# --- completion ---------------------------------------------------------------


def test_completion_failing_to_commit_completes_at_the_next_tick(
    ctx: AppContext, fault: WriteFault
) -> None:
    mailing_id = _started(ctx, 3)
    now = ctx.db.now()
    _set_rows(
        ctx,
        _recipient_ids(ctx, mailing_id),
        response=Response.SENT.value,
        tx_started_at=now,
        sent_at=now,
    )
    fault.block(mailing_id)

    with pytest.raises(OperationalError):
        lifecycle.complete_finished(ctx)

    assert mailings.get(ctx, mailing_id).state is MailingState.QUEUED
    assert _events(ctx, mailing_id, Event.MAILING_COMPLETED) == []

    fault.release()
    assert lifecycle.complete_finished(ctx) == [mailing_id]

    assert mailings.get(ctx, mailing_id).state is MailingState.COMPLETED
    [completed] = _events(ctx, mailing_id, Event.MAILING_COMPLETED)
    assert completed.params == {"sent": 3}
    assert lifecycle.complete_finished(ctx) == []
