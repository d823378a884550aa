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

from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from mailapp.models import Recipient, RecipientCount, Response


def by_mailing(
    session: Session, mailing_ids: Iterable[int] | None = None
) -> dict[int, dict[str, int]]:
    """The counts of these mailings (every mailing: ``None``), by response.

    Only responses some recipient has appear; see :func:`of_mailing`.
    """
    query = select(RecipientCount.mailing_id, RecipientCount.response, RecipientCount.n)
    if mailing_ids is not None:
        query = query.where(RecipientCount.mailing_id.in_(list(mailing_ids)))
    found: dict[int, dict[str, int]] = {}
    for mailing_id, response, n in session.execute(query):
        found.setdefault(mailing_id, {})[response] = n
    return found


def of_mailing(session: Session, mailing_id: int) -> dict[str, int]:
    """Every response code of one mailing with its count, zero included."""
    result = {r.value: 0 for r in Response}
    result.update(by_mailing(session, [mailing_id]).get(mailing_id, {}))
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
    if not rows:
        return
    upsert = (
        postgresql.insert(RecipientCount)
        if session.get_bind().dialect.name == "postgresql"
        else sqlite.insert(RecipientCount)
    )
    session.execute(
        upsert.on_conflict_do_update(
            index_elements=["mailing_id", "response"],
            set_={"n": RecipientCount.n + upsert.excluded.n},
        ),
        rows,
    )


def recount(session: Session, mailing_id: int) -> None:
    """Count the recipients of a mailing anew (inside :func:`deferred`)."""
    session.execute(delete(RecipientCount).where(RecipientCount.mailing_id == mailing_id))
    session.execute(
        insert(RecipientCount).from_select(
            ["mailing_id", "response", "n"],
            select(Recipient.mailing_id, Recipient.response, func.count())
            .where(Recipient.mailing_id == mailing_id)
            .group_by(Recipient.mailing_id, Recipient.response),
        )
    )
