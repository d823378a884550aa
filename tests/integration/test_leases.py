"""Fenced claims: a lane whose lease was taken away can change no row.

The peer's side is played by the test with the same code a peer runs
(:func:`leases.release`), at the worst
moment: while the lane waits for the provider's answer to a message.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter

import pytest
from sqlalchemy import select

from mailapp.models import Event, EventType, MailingState, Recipient, Response, Worker
from mailapp.scheduler import leases
from mailapp.scheduler.engine import MailEngine
from mailapp.services import journal, lifecycle, mailings
from mailapp.services.context import AppContext
from tests.support.data import bulk_contacts, make_mailing
from tests.support.engine import use_server, wait_state, wait_until
from tests.support.smtp_server import TestSmtpServer


def in_flight(ctx: AppContext) -> list[tuple[str, int]]:
    """(lease, recipient id) of rows whose SMTP transaction has begun."""
    with ctx.db.read() as session:
        rows = session.execute(
            select(Recipient.claimed_by, Recipient.id).where(
                Recipient.response == Response.SENDING.value,
                Recipient.tx_started_at.is_not(None),
            )
        ).all()
    return [(str(lease), rid) for lease, rid in rows]


def take_lease_away(ctx: AppContext, lease: str) -> None:
    """What a peer does to a lease it judges dead."""
    leases.release(ctx, [lease])


def sending_stalled(
    ctx: AppContext, server: TestSmtpServer, contacts: int, lanes: int
) -> tuple[int, str, int]:
    """A mailing sending with every lane waiting for the 250 of its first
    message; (mailing id, a lane's lease, the row it waits for)."""
    use_server(ctx, server, SmtpConnections=str(lanes))
    bulk_contacts(ctx, contacts)
    mailing_id = make_mailing(ctx)
    server.stall_after_dot = True
    lifecycle.start(ctx, mailing_id)
    wait_until(lambda: len(in_flight(ctx)) == lanes, 20, "every lane inside a transaction")
    lease, stalled_id = in_flight(ctx)[0]
    return mailing_id, lease, stalled_id


def test_a_lane_whose_lease_was_released_sends_nothing_twice(
    ctx: AppContext, server: TestSmtpServer, engine: MailEngine
) -> None:
    mailing_id, lease, stalled_id = sending_stalled(ctx, server, 120, lanes=2)

    take_lease_away(ctx, lease)
    with ctx.db.read() as session:
        released = session.get(Recipient, stalled_id)
        assert released is not None and released.response == Response.UNCONFIRMED.value
    server.release_stalled()  # the 250 reaches the lane that lost its lease

    info = wait_state(ctx, mailing_id, [MailingState.COMPLETED], timeout=60)
    per_address = Counter(r for m in server.received if m.may_be_delivered for r in m.recipients)
    assert [a for a, n in per_address.items() if n > 1] == []
    assert info.responses[Response.SENT.value] == 120
    # The provider took it, and the message id proves it was this message.
    with ctx.db.read() as session:
        row = session.get(Recipient, stalled_id)
        assert row is not None and row.response == Response.SENT.value
    incidents = [e for e in journal.entries(ctx, mailing_id) if e.event is Event.SENDING_INCIDENT]
    assert incidents and all(e.type is EventType.ERROR for e in incidents)
    assert incidents[0].params["email"] == row.email


def test_a_lane_whose_lease_is_gone_claims_nothing_under_it(
    ctx: AppContext, server: TestSmtpServer, engine: MailEngine
) -> None:
    """Until its heartbeat tells it, a lane does not know its lease is gone.
    Rows it claimed under the lease in that time would belong to nobody:
    only a reaper racing the lane's own transactions would settle them, and
    a 250 could then arrive for a row already counted as unconfirmed."""
    mailing_id, lease, stalled_id = sending_stalled(ctx, server, 200, lanes=1)

    take_lease_away(ctx, lease)
    server.release_stalled()
    info = wait_state(ctx, mailing_id, [MailingState.COMPLETED], timeout=60)
    assert info.responses[Response.SENT.value] == 200
    with ctx.db.read() as session:
        under_lost_lease = session.scalars(
            select(Recipient.email).where(Recipient.claimed_by == lease)
        ).all()
        stalled_email = session.get(Recipient, stalled_id).email
    assert under_lost_lease == []
    # The one incident is the message in flight when the lease was lost.
    incidents = [e for e in journal.entries(ctx, mailing_id) if e.event is Event.SENDING_INCIDENT]
    assert [e.params["email"] for e in incidents] == [stalled_email]


def test_claims_released_under_a_lane_are_never_begun_by_it(
    ctx: AppContext, server: TestSmtpServer, engine: MailEngine
) -> None:
    """Rows handed back to ``planned`` and claimed by another lane cannot be
    begun by the lane that held them first: begin names the lease and
    needs a row not begun yet."""
    mailing_id, lease, _ = sending_stalled(ctx, server, 60, lanes=1)
    with ctx.db.read() as session:
        held = session.scalar(
            select(Recipient.id)
            .where(Recipient.claimed_by == lease, Recipient.tx_started_at.is_(None))
            .limit(1)
        )
    assert held is not None

    take_lease_away(ctx, lease)
    # Another lane (here: a second engine) claims what was released.
    other = MailEngine(AppContext(ctx.db), tick_seconds=0.2)
    other.start()
    try:
        server.release_stalled()
        info = wait_state(ctx, mailing_id, [MailingState.COMPLETED], timeout=60)
    finally:
        other.stop()
    per_address = Counter(r for m in server.received if m.may_be_delivered for r in m.recipients)
    assert [a for a, n in per_address.items() if n > 1] == []
    assert info.responses[Response.SENT.value] == 60
    assert mailings.get(ctx, mailing_id).responses[Response.UNCONFIRMED.value] == 0


def test_the_host_key_tells_pid_namespaces_apart() -> None:
    """A pid says something only inside its own PID namespace: a process in
    another one, on the same host name, has another key."""
    probe = "from mailapp.scheduler.leases import host_key; print(host_key())"
    inside = subprocess.run(
        ["unshare", "--pid", "--fork", sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=False,
    )
    if inside.returncode:
        pytest.skip(f"cannot make a PID namespace here: {inside.stderr.strip()}")
    outside = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert outside.stdout.strip() == leases.host_key()
    assert inside.stdout.strip() != outside.stdout.strip()
    assert inside.stdout.split("|")[0] == outside.stdout.split("|")[0]  # same host name


def test_a_live_lease_on_another_host_is_never_reaped_while_it_beats(
    ctx: AppContext,
) -> None:
    """The observer judges by the beat counter and its own monotonic clock:
    a lease whose beat moves is alive, whatever the clocks say."""
    process = leases.new_process_id()
    lease = leases.register(ctx, process)
    with ctx.db.write() as session:
        worker = session.get(Worker, lease)
        assert worker is not None
        worker.host_key = "elsewhere|boot|pid:[1]"
    reaper = leases.Reaper("observer", stale_after=0.3)
    import time

    for _ in range(4):
        assert reaper.reap(ctx) == []
        leases.renew(ctx, process)
        time.sleep(0.2)
    with ctx.db.read() as session:
        assert session.get(Worker, lease) is not None
    # Once it stops beating, it is dead after ``stale_after``.
    reaper.reap(ctx)
    time.sleep(0.4)
    reaper.reap(ctx)
    with ctx.db.read() as session:
        assert session.get(Worker, lease) is None


def _waits(connection, statement: str, lease: str) -> bool:  # type: ignore[no-untyped-def]
    """Whether ``statement`` waits for a lock (for longer than a second);
    its transaction is ended either way."""
    cursor = connection.cursor()
    try:
        cursor.execute("SET LOCAL lock_timeout = '1s'")
        cursor.execute(statement, (lease,))
        cursor.fetchall()
    except Exception as exc:
        if getattr(exc, "sqlstate", None) != "55P03":  # lock_not_available
            raise
        return True
    finally:
        connection.rollback()
    return False


def test_on_postgresql_lease_checks_wait_for_a_release_and_never_for_a_heartbeat(
    postgres_url: str,
) -> None:
    """A claim checks its lease with a key share: a release (a delete) waits
    for it, a heartbeat (an update) neither waits nor holds it up. A refused
    begin checks without waiting: its transaction may hold a row the release
    waits for, and waiting the two would deadlock."""
    from mailapp.scheduler.hot_sql import HotSql

    ctx = AppContext.open(postgres_url)
    peer, lane = ctx.db.engine.raw_connection(), ctx.db.engine.raw_connection()
    try:
        sql = HotSql(ctx.db.engine.dialect)
        lease = leases.register(ctx, leases.new_process_id())

        peer.cursor().execute("UPDATE workers SET beat = beat + 1 WHERE id = %s", (lease,))
        assert not _waits(lane, sql.lease_held, lease)  # a beat holds up no claim
        assert not _waits(lane, sql.lease_kept, lease)
        peer.rollback()

        peer.cursor().execute("DELETE FROM workers WHERE id = %s", (lease,))  # a release
        assert _waits(lane, sql.lease_held, lease)  # a claim waits for it
        assert not _waits(lane, sql.lease_kept, lease)  # a refused begin does not...
        cursor = lane.cursor()
        cursor.execute(sql.lease_kept, (lease,))
        assert cursor.fetchall() == []  # ...and counts the lease as gone
        lane.rollback()
        peer.rollback()
    finally:
        peer.close()
        lane.close()
        ctx.db.dispose()
