"""Unconfirmed recipients, resolved by a person.

``unconfirmed`` means the connection was lost between the end of the
message and the provider's reply: the message may or may not have gone. The
engine never decides (it never resends one by itself); a person who finds
the message in the provider's log marks it delivered here, or includes it in
a follow-up (:func:`mailapp.services.resend.resend` with ``unconfirmed``).
Both are journaled with who did it.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import update

from mailapp.models import Event, Recipient, Response
from mailapp.services import journal
from mailapp.services.context import AppContext
from mailapp.services.hub import Changed
from mailapp.services.mailings import load


def mark_delivered(ctx: AppContext, mailing_id: int, recipient_ids: Iterable[int]) -> int:
    """``unconfirmed`` → ``sent`` for these recipients of the mailing (the
    others are left as they are); returns how many changed."""
    ids = sorted(set(recipient_ids))
    with ctx.db.write() as session:
        load(session, mailing_id, lock=True)
        changed = 0
        for start in range(0, len(ids), 500):
            result = session.execute(
                update(Recipient)
                .where(
                    Recipient.mailing_id == mailing_id,
                    Recipient.id.in_(ids[start : start + 500]),
                    Recipient.response == Response.UNCONFIRMED.value,
                )
                .values(response=Response.SENT.value, updated_at=ctx.db.now())
                .execution_options(synchronize_session=False)
            )
            changed += int(getattr(result, "rowcount", 0) or 0)
        if changed:
            journal.record_by_person(
                session, mailing_id, Event.UNCONFIRMED_MARKED_SENT, count=changed
            )
    if changed:
        ctx.hub.publish(Changed(mailing_ids=frozenset({mailing_id}), progress=True))
    return changed
