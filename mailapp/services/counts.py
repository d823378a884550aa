"""Recipients by response, read from the counts the database keeps.

Triggers on ``recipients`` keep ``recipient_counts`` in the transaction of
every insert, delete and change of a response (migration 0005), so no code
path can forget it. A writer that changes a very large number of rows at once
(the finish of a stop or an expiry, an audience of a million) defers the
triggers for its own transaction with :func:`deferred` and accounts for
its rows itself: by the row count of statements that each move rows from one
known response to another (:func:`add`), or by counting the mailing anew
(:func:`recount`). Nothing else may defer them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sqlalchemy import Connection, bindparam, text

from mailapp.models.states import Response

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

#: Plain SQL, read through an ORM session or a Core connection alike: the
#: window reads its first list before the ORM is loaded.
_BY_MAILING = text("SELECT mailing_id, response, n FROM recipient_counts")
_OF_MAILINGS = text(
    "SELECT mailing_id, response, n FROM recipient_counts WHERE mailing_id IN :ids"
).bindparams(bindparam("ids", expanding=True))
_ADD = text(
    "INSERT INTO recipient_counts (mailing_id, response, n) VALUES (:mailing_id, :response, :n)"
    " ON CONFLICT (mailing_id, response) DO UPDATE SET n = recipient_counts.n + excluded.n"
)
_FORGET = text("DELETE FROM recipient_counts WHERE mailing_id = :mailing_id")
_RECOUNT = text(
    "INSERT INTO recipient_counts (mailing_id, response, n)"
    " SELECT mailing_id, response, count(*) FROM recipients"
    " WHERE mailing_id = :mailing_id GROUP BY mailing_id, response"
)


def _flushed(db: Session | Connection) -> Session | Connection:
    """``db``, with an ORM session's pending changes written first, as the
    session does before its own statements (plain SQL does not trigger it)."""
    if not isinstance(db, Connection) and db.autoflush:
        db.flush()
    return db


def by_mailing(
    db: Session | Connection, mailing_ids: Iterable[int] | None = None
) -> dict[int, dict[str, int]]:
    """The counts of these mailings (every mailing: ``None``), by response.

    Only responses some recipient has appear; see :func:`of_mailing`.
    """
    if mailing_ids is None:
        rows = _flushed(db).execute(_BY_MAILING)
    else:
        rows = _flushed(db).execute(_OF_MAILINGS, {"ids": list(mailing_ids)})
    found: dict[int, dict[str, int]] = {}
    for mailing_id, response, n in rows:
        found.setdefault(mailing_id, {})[response] = n
    return found


def of_mailing(db: Session | Connection, mailing_id: int) -> dict[str, int]:
    """Every response code of one mailing with its count, zero included."""
    result = {r.value: 0 for r in Response}
    result.update(by_mailing(db, [mailing_id]).get(mailing_id, {}))
    return result


@contextmanager
def deferred(session: Session) -> Iterator[None]:
    """Within the session's transaction, writes to ``recipients`` are not
    counted by the triggers; the caller accounts for them before it ends."""
    if session.get_bind().dialect.name == "postgresql":
        # Ends with the transaction, whatever happens to it.
        session.execute(text("SET LOCAL mailapp.counts_deferred = 'on'"))
        yield
        session.execute(text("SET LOCAL mailapp.counts_deferred = 'off'"))
        return
    # Invisible to other connections, and SQLite lets no one else write
    # until this transaction ends; gone again before it commits.
    # A failure in between rolls the transaction back, and the row with it.
    session.execute(text("INSERT INTO recipient_counts_deferred (id) VALUES (1)"))
    yield
    session.execute(text("DELETE FROM recipient_counts_deferred"))


def add(session: Session, mailing_id: int, deltas: Mapping[str, int]) -> None:
    """Apply ``deltas`` (response → change) to the counts of a mailing.

    In the order of the keys, as the triggers lock them on PostgreSQL.
    """
    rows = [
        {"mailing_id": mailing_id, "response": response, "n": deltas[response]}
        for response in sorted(deltas)
        if deltas[response]
    ]
    if rows:
        _flushed(session).execute(_ADD, rows)


def recount(session: Session, mailing_id: int) -> None:
    """Count the recipients of a mailing anew (inside :func:`deferred`)."""
    _flushed(session).execute(_FORGET, {"mailing_id": mailing_id})
    session.execute(_RECOUNT, {"mailing_id": mailing_id})
