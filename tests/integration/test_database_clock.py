"""Deadlines are judged by the database's clock, not by each machine's own.

The server's clock cannot be moved from a test, and the machine's clock
cannot either; what can be moved is the application's reading of the local
clock (:func:`mailapp.models.base.utcnow`, wherever a module of the
application took it from). Skewing that is what a machine whose clock is a
minute off looks like to the application; the PostgreSQL server's
``clock_timestamp()`` stays the truth every check is made against.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, text

from mailapp.db import Database
from mailapp.models import MailingState, Refused
from mailapp.models import base as models_base
from mailapp.services import lifecycle, mailings
from mailapp.services import settings as settings_service
from mailapp.services.context import AppContext
from tests.support.data import add_contacts, make_mailing

TOLERANCE = timedelta(milliseconds=50)
SKEWS = [
    pytest.param(timedelta(seconds=60), id="ahead"),
    pytest.param(-timedelta(seconds=60), id="behind"),
]


def skew_local_clock(monkeypatch: pytest.MonkeyPatch, delta: timedelta) -> None:
    """Every reading of the local clock by the application is ``delta`` off,
    as on a machine whose clock is wrong."""
    real = models_base.utcnow

    def skewed() -> datetime:
        return real() + delta

    for name, module in list(sys.modules.items()):
        if name.startswith("mailapp") and getattr(module, "utcnow", None) is real:
            monkeypatch.setattr(module, "utcnow", skewed)


def server_now(db: Database) -> datetime:
    """A fresh reading of the PostgreSQL server's clock."""
    with db.engine.connect() as conn:
        value = conn.exec_driver_sql("SELECT clock_timestamp() AS reference").scalar_one()
    assert isinstance(value, datetime)
    return value


class StatementCounter:
    """Counts the statements ``Database.now`` sends to read the server's
    clock (the tests' own readings are told apart by their alias)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.count = 0
        self._lock = threading.Lock()
        event.listen(db.engine, "before_cursor_execute", self._seen)

    def _seen(self, _c: Any, _cur: Any, statement: str, *_rest: Any) -> None:
        if "clock_timestamp" in statement and "reference" not in statement:
            with self._lock:
                self.count += 1

    def close(self) -> None:
        event.remove(self.db.engine, "before_cursor_execute", self._seen)


OpenContext = Callable[[], AppContext]


@pytest.fixture
def pg_ctx(postgres_url: str) -> Iterator[OpenContext]:
    """Opens contexts on one PostgreSQL database; a test opens its own after
    it has skewed the clock, so no offset is measured before the skew."""
    opened: list[AppContext] = []

    def open_ctx() -> AppContext:
        context = AppContext.open(postgres_url)
        opened.append(context)
        return context

    yield open_ctx
    for context in opened:
        context.db.dispose()


# --- Database.now() -------------------------------------------------------------


def test_now_is_the_database_clock_in_aware_utc(ctx: AppContext) -> None:
    before = ctx.db.now()
    reference = datetime.now(UTC) if ctx.db.dialect == "sqlite" else server_now(ctx.db)
    after = ctx.db.now()
    assert before.utcoffset() == timedelta(0) and after.utcoffset() == timedelta(0)
    assert before - TOLERANCE <= reference <= after + TOLERANCE


def test_sqlite_now_is_the_local_clock_without_a_query(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite has no server: the process's own clock is the database's."""
    skew_local_clock(monkeypatch, timedelta(hours=1))
    context = AppContext.open(sqlite_url)
    try:
        counter = StatementCounter(context.db)
        statements: list[str] = []
        event.listen(context.db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        moment = context.db.now()
        assert abs(moment - (datetime.now(UTC) + timedelta(hours=1))) < TOLERANCE
        assert statements == [] and counter.count == 0
    finally:
        context.db.dispose()


def test_postgres_now_follows_the_server_even_with_the_local_clock_off(
    pg_ctx: OpenContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    skew_local_clock(monkeypatch, timedelta(hours=1))
    ctx = pg_ctx()
    for _ in range(3):
        before = ctx.db.now()
        reference = server_now(ctx.db)
        after = ctx.db.now()
        assert before - TOLERANCE <= reference <= after + TOLERANCE
    # ...and not the local clock, which is an hour ahead.
    assert models_base.utcnow() - ctx.db.now() > timedelta(minutes=59)


def test_postgres_now_is_cached_and_measured_again_after_30_s(
    pg_ctx: OpenContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx = pg_ctx()
    counter = StatementCounter(ctx.db)
    try:
        ctx.db.now()
        measured = counter.count
        assert measured >= 1
        for _ in range(10_000):
            ctx.db.now()
        assert counter.count == measured  # no query while the offset is fresh

        # The local clock steps an hour ahead: the offset measured before it
        # stands until it is measured again...
        skew_local_clock(monkeypatch, timedelta(hours=1))
        assert ctx.db.now() - server_now(ctx.db) > timedelta(minutes=59)
        # ...which happens once it is 30 s old (aged here rather than waited for).
        clock = ctx.db._server_clock
        assert clock is not None
        clock.measured_at -= clock.REFRESH + 0.5
        before = ctx.db.now()
        reference = server_now(ctx.db)
        after = ctx.db.now()
        assert counter.count == 2 * measured
        assert before - TOLERANCE <= reference <= after + TOLERANCE
    finally:
        counter.close()


def test_postgres_now_from_many_threads_measures_once(pg_ctx: OpenContext) -> None:
    ctx = pg_ctx()
    counter = StatementCounter(ctx.db)
    barrier = threading.Barrier(16)
    results: list[datetime] = []
    lock = threading.Lock()

    def read() -> None:
        barrier.wait()
        moment = ctx.db.now()
        with lock:
            results.append(moment)

    threads = [threading.Thread(target=read) for _ in range(16)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        reference = server_now(ctx.db)
        assert len(results) == 16
        assert all(reference - timedelta(seconds=2) <= r <= reference for r in results)
        single = counter.count
        ctx.db.now()
        assert counter.count == single  # the 16 calls measured once, no more needed
        assert single <= 2  # one measurement: two readings, the better kept
    finally:
        counter.close()


# --- the lifecycle judges deadlines by it ----------------------------------------


def _set_by_server_clock(ctx: AppContext, mailing_id: int, column: str, seconds: float) -> None:
    """Set a deadline to the server's clock plus ``seconds``, in the server."""
    with ctx.db.write() as session:
        session.execute(
            text(
                f"UPDATE mailings SET {column} = "
                "(clock_timestamp() AT TIME ZONE 'UTC') + make_interval(secs => :s) "
                "WHERE id = :id"
            ),
            {"s": seconds, "id": mailing_id},
        )


def _waiting(ctx: AppContext) -> int:
    add_contacts(ctx, ["a@example.com", "b@example.com"])
    mailing_id = make_mailing(ctx)
    lifecycle.start(ctx, mailing_id)
    return mailing_id


@pytest.mark.parametrize("skew", SKEWS)
def test_delay_window_ends_by_the_server_clock(
    pg_ctx: OpenContext, monkeypatch: pytest.MonkeyPatch, skew: timedelta
) -> None:
    skew_local_clock(monkeypatch, skew)
    ctx = pg_ctx()
    mailing_id = _waiting(ctx)

    _set_by_server_clock(ctx, mailing_id, "send_after", 20)
    assert lifecycle.promote_waiting(ctx) == []  # not early
    assert mailings.get(ctx, mailing_id).state is MailingState.WAITING

    _set_by_server_clock(ctx, mailing_id, "send_after", -1)
    assert lifecycle.promote_waiting(ctx) == [mailing_id]  # not late
    assert mailings.get(ctx, mailing_id).state is MailingState.QUEUED


@pytest.mark.parametrize("skew", SKEWS)
def test_expiry_by_the_server_clock(
    pg_ctx: OpenContext, monkeypatch: pytest.MonkeyPatch, skew: timedelta
) -> None:
    skew_local_clock(monkeypatch, skew)
    ctx = pg_ctx()
    mailing_id = _waiting(ctx)

    _set_by_server_clock(ctx, mailing_id, "expires_at", 20)
    assert lifecycle.expire_due(ctx) == []
    assert mailings.get(ctx, mailing_id).state is MailingState.WAITING

    _set_by_server_clock(ctx, mailing_id, "expires_at", -1)
    assert lifecycle.expire_due(ctx) == [mailing_id]
    assert mailings.get(ctx, mailing_id).state is MailingState.EXPIRED


@pytest.mark.parametrize("skew", SKEWS)
def test_schedule_comes_due_by_the_server_clock(
    pg_ctx: OpenContext, monkeypatch: pytest.MonkeyPatch, skew: timedelta
) -> None:
    skew_local_clock(monkeypatch, skew)
    ctx = pg_ctx()
    add_contacts(ctx, ["a@example.com"])
    mailing_id = make_mailing(ctx)
    lifecycle.schedule(ctx, mailing_id, server_now(ctx.db) + timedelta(hours=1))

    _set_by_server_clock(ctx, mailing_id, "scheduled_at", 20)
    assert lifecycle.promote_scheduled(ctx) == []
    assert mailings.get(ctx, mailing_id).state is MailingState.SCHEDULED

    _set_by_server_clock(ctx, mailing_id, "scheduled_at", -1)
    assert lifecycle.promote_scheduled(ctx) == [mailing_id]
    assert mailings.get(ctx, mailing_id).state is MailingState.WAITING


@pytest.mark.parametrize("skew", SKEWS)
def test_start_and_schedule_set_and_check_times_by_the_server_clock(
    pg_ctx: OpenContext, monkeypatch: pytest.MonkeyPatch, skew: timedelta
) -> None:
    skew_local_clock(monkeypatch, skew)
    ctx = pg_ctx()
    settings_service.set_value(ctx, "MandrillMailingDelayInSeconds", "30")
    mailing_id = _waiting(ctx)
    send_after = mailings.get(ctx, mailing_id).send_after
    assert send_after is not None
    assert abs(send_after - (server_now(ctx.db) + timedelta(seconds=30))) < timedelta(seconds=1)

    soon, gone = make_mailing(ctx, name="Soon"), make_mailing(ctx, name="Gone")
    lifecycle.schedule(ctx, soon, server_now(ctx.db) + timedelta(seconds=30))
    assert mailings.get(ctx, soon).state is MailingState.SCHEDULED
    with pytest.raises(Refused, match="future"):
        lifecycle.schedule(ctx, gone, server_now(ctx.db) - timedelta(seconds=30))
