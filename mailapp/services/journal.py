"""The sending log: written in the same transaction as the change it tells of."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mailapp.models import JournalEvent
from mailapp.models.base import utcnow
from mailapp.models.states import Event, EventType, event_message
from mailapp.services.actor import current as current_actor
from mailapp.services.context import AppContext


@dataclass(frozen=True)
class JournalEntry:
    id: int
    time: datetime
    mailing_id: int | None
    event: Event
    type: EventType
    params: dict[str, Any]
    message: str
    #: Who caused it; None for the engine's own events.
    actor: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "time": self.time.isoformat(),
            "mailing_id": self.mailing_id,
            "event": self.event.value,
            "type": self.type.value,
            "message": self.message,
            "actor": self.actor,
        }


def event_values(
    mailing_id: int | None, event: Event, *, actor: str | None = None, **params: Any
) -> dict[str, Any]:
    """The column values of a log row, for inserts outside the ORM."""
    return {
        "actor": actor,
        "time": utcnow(),
        "mailing_id": mailing_id,
        "event": event.value,
        "type": event.type.value,
        "params": params,
        "message": event_message(event, params),
    }


def record(
    session: Session,
    mailing_id: int | None,
    event: Event,
    *,
    actor: str | None = None,
    **params: Any,
) -> None:
    """Add an event to the log inside the caller's transaction; without an
    ``actor`` it is one of the engine's own."""
    session.add(JournalEvent(**event_values(mailing_id, event, actor=actor, **params)))


def record_by_person(session: Session, mailing_id: int | None, event: Event, **params: Any) -> None:
    """Add an event a person caused, with its actor (:func:`mailapp.services.actor.current`)."""
    record(session, mailing_id, event, actor=current_actor(session), **params)


def stopped_by(session: Session, mailing_id: int) -> str | None:
    """The actor of the mailing's latest *Stop sending* (None if nobody's)."""
    return session.scalar(
        select(JournalEvent.actor)
        .where(
            JournalEvent.mailing_id == mailing_id,
            JournalEvent.event == Event.MAILING_STOPPING.value,
        )
        .order_by(JournalEvent.id.desc())
        .limit(1)
    )


def _entry(row: JournalEvent) -> JournalEntry:
    return JournalEntry(
        id=row.id,
        time=row.time,
        mailing_id=row.mailing_id,
        event=Event(row.event),
        type=EventType(row.type),
        params=dict(row.params or {}),
        message=row.message,
        actor=row.actor,
    )


def entries(
    ctx: AppContext,
    mailing_id: int | None = None,
    *,
    after_id: int = 0,
    limit: int | None = None,
    newest: bool = False,
    by: str | None = None,
) -> list[JournalEntry]:
    """Events oldest first; ``after_id`` gives only the newer ones, and with
    ``newest`` the ``limit`` keeps the most recent rather than the first;
    ``by`` only those of that actor."""
    query = select(JournalEvent).where(JournalEvent.id > after_id)
    if mailing_id is not None:
        query = query.where(JournalEvent.mailing_id == mailing_id)
    if by is not None:
        query = query.where(JournalEvent.actor == by)
    query = query.order_by(JournalEvent.id.desc() if newest else JournalEvent.id)
    if limit is not None:
        query = query.limit(limit)
    with ctx.db.read() as session:
        rows = [_entry(row) for row in session.scalars(query)]
    return rows[::-1] if newest else rows


def actor_names(ctx: AppContext) -> list[str]:
    """Everyone who has caused an event, for the journal's filter."""
    query = select(JournalEvent.actor).where(JournalEvent.actor.is_not(None)).distinct()
    with ctx.db.read() as session:
        return sorted(name for name in session.scalars(query) if name)
