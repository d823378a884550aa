"""The sending log: written in the same transaction as the change it tells of.

It is read with SQLAlchemy Core (:func:`entries`): the window loads the log
at its start, before the ORM is; an event is written through the caller's
ORM session, in the transaction of its change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Integer, String, Text, select, text
from sqlalchemy.types import TypeEngine

from mailapp.models.base import UTCDateTime, utcnow
from mailapp.models.states import Event, EventType, event_message
from mailapp.services.actor import current as current_actor
from mailapp.services.context import AppContext

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


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
    from mailapp.models import JournalEvent

    session.add(JournalEvent(**event_values(mailing_id, event, actor=actor, **params)))


def record_by_person(session: Session, mailing_id: int | None, event: Event, **params: Any) -> None:
    """Add an event a person caused, with its actor (:func:`mailapp.services.actor.current`)."""
    record(session, mailing_id, event, actor=current_actor(session), **params)


def stopped_by(session: Session, mailing_id: int) -> str | None:
    """The actor of the mailing's latest *Stop sending* (None if nobody's)."""
    from mailapp.models import JournalEvent

    return session.scalar(
        select(JournalEvent.actor)
        .where(
            JournalEvent.mailing_id == mailing_id,
            JournalEvent.event == Event.MAILING_STOPPING.value,
        )
        .order_by(JournalEvent.id.desc())
        .limit(1)
    )


_ENTRY_COLUMNS: dict[str, TypeEngine[Any]] = {
    "id": Integer(),
    "time": UTCDateTime(),
    "mailing_id": Integer(),
    "event": String(),
    "type": String(),
    "params": JSON(),
    "message": Text(),
    "actor": String(),
}


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
    sql = "SELECT id, time, mailing_id, event, type, params, message, actor FROM journal"
    sql += " WHERE id > :after_id"
    params: dict[str, Any] = {"after_id": after_id}
    if mailing_id is not None:
        sql += " AND mailing_id = :mailing_id"
        params["mailing_id"] = mailing_id
    if by is not None:
        sql += " AND actor = :by"
        params["by"] = by
    sql += " ORDER BY id DESC" if newest else " ORDER BY id"
    if limit is not None:
        sql += " LIMIT :limit"
        params["limit"] = limit
    with ctx.db.read_conn() as conn:
        rows = [
            JournalEntry(
                id=row.id,
                time=row.time,
                mailing_id=row.mailing_id,
                event=Event(row.event),
                type=EventType(row.type),
                params=dict(row.params or {}),
                message=row.message,
                actor=row.actor,
            )
            for row in conn.execute(text(sql).columns(**_ENTRY_COLUMNS), params)
        ]
    return rows[::-1] if newest else rows


_ACTORS = text("SELECT DISTINCT actor FROM journal WHERE actor IS NOT NULL")


def actor_names(ctx: AppContext) -> list[str]:
    """Everyone who has caused an event, for the journal's filter."""
    with ctx.db.read_conn() as conn:
        return sorted(name for (name,) in conn.execute(_ACTORS) if name)
