"""The counts of recipients by response follow every writer, on SQLite and
PostgreSQL: writes made with plain SQL that knows nothing of the counts, a
mailing deleted with its recipients, the bulk finish that defers the
triggers and accounts for itself, and a failure inside a deferred
transaction."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, insert, text, update

from mailapp.models import Mailing, Recipient, Response
from mailapp.services import counts, lifecycle, mailings, unsent
from mailapp.services.context import AppContext
from tests.support.counts import assert_counts_kept
from tests.support.data import add_contacts, make_mailing


def _started(ctx: AppContext, count: int) -> int:
    add_contacts(ctx, [f"u{n}@example.com" for n in range(count)])
    mailing_id = make_mailing(ctx)
    lifecycle.start(ctx, mailing_id)
    return mailing_id


def _kept(ctx: AppContext, mailing_id: int) -> dict[str, int]:
    assert_counts_kept(ctx)
    return {k: v for k, v in mailings.get(ctx, mailing_id).responses.items() if v}


def test_writers_that_know_nothing_of_the_counts_are_counted(ctx: AppContext) -> None:
    mailing_id = _started(ctx, 6)
    assert _kept(ctx, mailing_id) == {Response.PLANNED.value: 6}
    with ctx.db.engine.begin() as conn:
        ids = [r for (r,) in conn.execute(text("SELECT id FROM recipients ORDER BY id"))]
        conn.execute(update(Recipient).where(Recipient.id.in_(ids[:2])).values(response="sent"))
        conn.execute(update(Recipient).where(Recipient.id == ids[0]).values(response="hard_bounce"))
        # A write that leaves the response as it was changes no count.
        conn.execute(update(Recipient).where(Recipient.id == ids[2]).values(attempts=3))
        conn.execute(update(Recipient).where(Recipient.id == ids[2]).values(response="planned"))
        conn.execute(delete(Recipient).where(Recipient.id == ids[3]))
        conn.execute(
            insert(Recipient).values(
                mailing_id=mailing_id, email="late@example.com", response="stopped_manually"
            )
        )
    assert _kept(ctx, mailing_id) == {
        Response.PLANNED.value: 3,
        Response.SENT.value: 1,
        Response.HARD_BOUNCE.value: 1,
        Response.STOPPED_MANUALLY.value: 1,
    }


def test_a_deleted_mailing_takes_its_counts_along(ctx: AppContext) -> None:
    mailing_id = _started(ctx, 3)
    with ctx.db.write() as session:
        session.execute(delete(Mailing).where(Mailing.id == mailing_id))
    assert_counts_kept(ctx)
    with ctx.db.read() as session:
        assert counts.by_mailing(session) == {}


def test_the_finish_accounts_for_the_rows_it_moves(
    ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(unsent, "FINISH_BATCH", 2)
    mailing_id = _started(ctx, 7)
    with ctx.db.write() as session:
        first = session.scalar(text("SELECT min(id) FROM recipients"))
        session.execute(
            update(Recipient)
            .where(Recipient.id == first)
            .values(response="sending", claimed_by="lane")
        )
        session.execute(
            update(Recipient)
            .where(Recipient.id == first + 1)
            .values(response="sending", claimed_by="lane", tx_started_at=ctx.db.now())
        )
    assert unsent.finish(ctx, mailing_id, Response.STOPPED_MANUALLY) == 6
    # The begun transaction is left to finish; the claimed one is stopped.
    assert _kept(ctx, mailing_id) == {
        Response.SENDING.value: 1,
        Response.STOPPED_MANUALLY.value: 6,
    }
    with ctx.db.read() as session:
        claimed = session.scalar(
            text("SELECT claimed_by FROM recipients WHERE id = :id"), {"id": first}
        )
    assert claimed is None


def test_a_failure_in_a_deferred_transaction_leaves_counting_on(ctx: AppContext) -> None:
    mailing_id = _started(ctx, 2)
    with pytest.raises(RuntimeError), ctx.db.write() as session, counts.deferred(session):
        session.execute(update(Recipient).values(response="sent"))
        raise RuntimeError("the writer fails before it accounts for its rows")
    with ctx.db.write() as session:
        session.execute(update(Recipient).values(response="unconfirmed"))
    assert _kept(ctx, mailing_id) == {Response.UNCONFIRMED.value: 2}


def test_every_counting_trigger_is_in_the_schema(ctx: AppContext) -> None:
    """A migration that copies ``recipients`` (Alembic's batch mode on SQLite
    does) drops its triggers; this names what must survive it."""
    query = (
        "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        if ctx.db.dialect == "sqlite"
        else "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
    )
    with ctx.db.read() as session:
        names = set(session.scalars(text(query)))
    assert {f"recipient_counts_{op}" for op in ("insert", "update", "delete")} <= names
