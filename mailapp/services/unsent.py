"""The recipients not handed over yet: how many, and finishing them.

"Unsent" is ``planned``, or ``sending`` with no SMTP transaction begun. A
stop or an expiry gives every one of them a final response; with a million
of them that is the biggest write the application makes, so it touches
only what it must: the ``planned`` rows in id-range batches through their
partial index (no other index moves), the few claimed ones apart (only they
have a ``claimed_by`` to clear), and the counts by the row counts of those
statements instead of a trigger per row (:mod:`mailapp.services.counts`).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from mailapp.models import Recipient, Response
from mailapp.services import counts
from mailapp.services.context import AppContext

#: Rows changed per transaction when a stop or an expiry is finished, so a
#: million recipients never hold the write lock for long.
FINISH_BATCH = 100_000

_PLANNED = Response.PLANNED.value
_SENDING = Response.SENDING.value


def _planned(mailing_id: int | InstrumentedAttribute[int]) -> ColumnElement[bool]:
    return and_(Recipient.mailing_id == mailing_id, Recipient.response == _PLANNED)


def _claimed(mailing_id: int | InstrumentedAttribute[int]) -> ColumnElement[bool]:
    """Claimed by a lane that has not begun its SMTP transaction."""
    return and_(
        Recipient.mailing_id == mailing_id,
        Recipient.response == _SENDING,
        Recipient.tx_started_at.is_(None),
    )


def any_left(mailing_id: InstrumentedAttribute[int]) -> ColumnElement[bool]:
    """A correlated condition: the mailing ``mailing_id`` has unsent recipients.

    Two probes, each served by one partial index.
    """
    return or_(
        select(Recipient.id).where(_planned(mailing_id)).exists(),
        select(Recipient.id).where(_claimed(mailing_id)).exists(),
    )


def _rows(session: Session, condition: ColumnElement[bool]) -> int:
    return session.scalar(select(func.count()).select_from(Recipient).where(condition)) or 0


def pending(session: Session, mailing_id: int, by_response: dict[str, int] | None = None) -> int:
    """How many recipients are unsent now (``by_response``: the mailing's
    counts, when the caller has them already)."""
    planned = (by_response or counts.of_mailing(session, mailing_id))[_PLANNED]
    return planned + _rows(session, _claimed(mailing_id))


def in_flight(session: Session, mailing_id: int) -> int:
    """SMTP transactions begun and not yet answered."""
    return _rows(
        session,
        and_(
            Recipient.mailing_id == mailing_id,
            Recipient.response == _SENDING,
            Recipient.tx_started_at.is_not(None),
        ),
    )


def replan_claimed(session: Session, mailing_id: int) -> None:
    """Claims that never began go back to ``planned`` (a resume, an error)."""
    session.execute(
        update(Recipient)
        .where(_claimed(mailing_id))
        .values(response=_PLANNED, claimed_by=None)
        .execution_options(synchronize_session=False)
    )


def finish(ctx: AppContext, mailing_id: int, response: Response) -> int:
    """Give every unsent recipient ``response``; returns how many got it.

    One transaction per batch, so a million recipients never hold the write
    lock for long. Safe to repeat: it starts from the recipients that are
    unsent now, so after a crash or a failed batch the next call does what
    is left. Rows claimed meanwhile are caught by the last statement, which
    takes the claimed ones.
    """
    with ctx.db.read() as session:
        low, high = session.execute(
            select(func.min(Recipient.id), func.max(Recipient.id)).where(_planned(mailing_id))
        ).one()
    done = 0
    now = ctx.db.now()
    for start_id in range(low, high + 1, FINISH_BATCH) if low is not None else ():
        with ctx.db.write() as session, counts.deferred(session):
            moved = session.execute(  # type: ignore[attr-defined]
                update(Recipient)
                .where(
                    _planned(mailing_id),
                    Recipient.id >= start_id,
                    Recipient.id < start_id + FINISH_BATCH,
                )
                .values(response=response.value, updated_at=now)
                .execution_options(synchronize_session=False)
            ).rowcount
            counts.add(session, mailing_id, {_PLANNED: -moved, response.value: moved})
            moved = int(moved)
        done += moved
    with ctx.db.write() as session, counts.deferred(session):
        moved = session.execute(  # type: ignore[attr-defined]
            update(Recipient)
            .where(_claimed(mailing_id))
            .values(response=response.value, claimed_by=None, updated_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        counts.add(session, mailing_id, {_SENDING: -moved, response.value: moved})
    return done + int(moved)
