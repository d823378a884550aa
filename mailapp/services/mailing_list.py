"""What the mailing list shows: every mailing with its counts, read with
SQLAlchemy Core alone.

The window's first list is read from here before the ORM is loaded (it
costs a fifth of a second of the start over any database: see
docs/PERFORMANCE.md), so this module names no mapped table and imports
nothing that does. It is the one definition of a mailing as the list, the
viewer, the editor and the command line show it; :mod:`mailings` keeps
the changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Integer, String, Text, bindparam, text
from sqlalchemy.types import TypeEngine

from mailapp.models.base import UTCDateTime, iso
from mailapp.models.states import MailingKind, MailingState, Refused, Response
from mailapp.services import counts as recipient_counts
from mailapp.services.context import AppContext


@dataclass(frozen=True)
class MailingInfo:
    id: int
    name: str
    kind: MailingKind
    state: MailingState
    subject: str
    sender_name: str
    sender_email: str
    html: str
    folders: tuple[str, ...]
    responses: dict[str, int]
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    expires_at: datetime | None
    scheduled_at: datetime | None
    send_after: datetime | None
    last_error: str | None
    #: When *Stop sending* was clicked, while its dialog is still open.
    held_at: datetime | None = None
    #: The mailing this one resends to those it did not reach.
    follows: int | None = None
    #: The follow-ups made of this one.
    follow_ups: tuple[int, ...] = ()
    recipients: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "recipients", sum(self.responses.values()))

    @property
    def handed_over(self) -> int:
        return sum(self.responses[r.value] for r in Response if r.handed_over)

    @property
    def pending(self) -> int:
        """Recipients not yet handed over who could still be sent."""
        return self.responses[Response.PLANNED.value] + self.responses[Response.SENDING.value]

    @property
    def stopped(self) -> int:
        return (
            self.responses[Response.STOPPED_MANUALLY.value]
            + self.responses[Response.STOPPED_EXPIRED.value]
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind.value,
            "state": self.state.value,
            "subject": self.subject,
            "sender_name": self.sender_name,
            "sender_email": self.sender_email,
            "folders": list(self.folders),
            "recipients": self.recipients,
            "responses": dict(self.responses),
            "created_at": iso(self.created_at),
            "started_at": iso(self.started_at),
            "finished_at": iso(self.finished_at),
            "expires_at": iso(self.expires_at),
            "scheduled_at": iso(self.scheduled_at),
            "send_after": iso(self.send_after),
            "last_error": self.last_error,
            "held": self.held_at is not None,
            "follows": self.follows,
            "follow_ups": list(self.follow_ups),
        }


_WHEN = UTCDateTime()
_MAILINGS = """
    SELECT id, name, kind, state, subject, sender_name, sender_email, html,
           created_at, started_at, finished_at, expires_at, scheduled_at, send_after,
           last_error, hold_token, held_at, follows_id
    FROM mailings {where} ORDER BY id
"""
_COLUMNS: dict[str, TypeEngine[Any]] = {
    "id": Integer(),
    "follows_id": Integer(),
    "html": Text(),
    "last_error": Text(),
    **{name: String() for name in ("name", "kind", "state", "subject", "hold_token")},
    **{name: String() for name in ("sender_name", "sender_email")},
    **{
        name: _WHEN
        for name in (
            "created_at",
            "started_at",
            "finished_at",
            "expires_at",
            "scheduled_at",
            "send_after",
            "held_at",
        )
    },
}
_ALL = text(_MAILINGS.format(where="")).columns(**_COLUMNS)
_SOME = (
    text(_MAILINGS.format(where="WHERE id IN :ids"))
    .bindparams(bindparam("ids", expanding=True))
    .columns(**_COLUMNS)
)
_FOLDERS = text(
    "SELECT mf.mailing_id, f.name FROM mailing_folders mf JOIN folders f ON f.id = mf.folder_id"
    " WHERE mf.mailing_id IN :ids ORDER BY mf.mailing_id, f.id"
).bindparams(bindparam("ids", expanding=True))
_FOLLOW_UPS = text(
    "SELECT follows_id, id FROM mailings WHERE follows_id IN :ids ORDER BY id"
).bindparams(bindparam("ids", expanding=True))


def _by_mailing(conn: Connection, query: Any, ids: list[int]) -> dict[int, tuple[Any, ...]]:
    """The second column of ``query``'s rows, grouped by their first, in order."""
    found: dict[int, list[Any]] = {}
    if ids:
        for key, value in conn.execute(query, {"ids": ids}):
            found.setdefault(key, []).append(value)
    return {k: tuple(v) for k, v in found.items()}


def read(
    conn: Connection, ids: Sequence[int] | None = None, *, counts: bool = True
) -> list[MailingInfo]:
    """The mailings (every one: ``None``) on an open connection, by id."""
    if ids is None:
        rows = list(conn.execute(_ALL))
    else:
        rows = list(conn.execute(_SOME, {"ids": list(ids)}))
    found = [row.id for row in rows]
    folders = _by_mailing(conn, _FOLDERS, found)
    later = _by_mailing(conn, _FOLLOW_UPS, found)
    numbers = recipient_counts.by_mailing(conn, found) if counts and found else {}
    zero = {r.value: 0 for r in Response}
    return [
        MailingInfo(
            id=row.id,
            name=row.name,
            kind=MailingKind(row.kind),
            state=MailingState(row.state),
            subject=row.subject,
            sender_name=row.sender_name,
            sender_email=row.sender_email,
            html=row.html,
            folders=folders.get(row.id, ()),
            responses={**zero, **numbers.get(row.id, {})},
            created_at=row.created_at,
            started_at=row.started_at,
            finished_at=row.finished_at,
            expires_at=row.expires_at,
            scheduled_at=row.scheduled_at,
            send_after=row.send_after,
            last_error=row.last_error,
            held_at=row.held_at if row.hold_token is not None else None,
            follows=row.follows_id,
            follow_ups=later.get(row.id, ()),
        )
        for row in rows
    ]


def list_all(
    ctx: AppContext, ids: list[int] | None = None, *, counts: bool = True
) -> list[MailingInfo]:
    """Every mailing (or those of ``ids``) with its response counts, newest
    last. ``counts=False`` leaves the counts at zero: a window can show its
    list at once and ask for the counts next."""
    with ctx.db.read_conn() as conn:
        return read(conn, ids, counts=counts)


def get(ctx: AppContext, mailing_id: int) -> MailingInfo:
    with ctx.db.read_conn() as conn:
        found = read(conn, [mailing_id])
    if not found:
        raise Refused("not_found", f"No mailing with id {mailing_id}", id=mailing_id)
    return found[0]
