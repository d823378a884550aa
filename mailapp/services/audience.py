"""Who receives a mailing: recipient rows built set-based from folders, and
participants added one by one by campaigns (trigger mailings)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, case, func, insert, literal, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from mailapp.models import Contact, FolderMember, Mailing, MailingFolder, Recipient, Response
from mailapp.models.base import utcnow
from mailapp.models.states import MailingState
from mailapp.services import counts as recipient_counts

#: A column in a statement: a Core one, or one of the ORM's.
Column = ColumnElement[Any] | InstrumentedAttribute[Any]


@dataclass(frozen=True)
class AudienceCounts:
    will_send: int
    invalid: int
    duplicates: int
    unsubscribed: int
    no_email: int
    bounced: int = 0

    @property
    def total(self) -> int:
        return (
            self.will_send
            + self.invalid
            + self.duplicates
            + self.unsubscribed
            + self.no_email
            + self.bounced
        )

    def as_params(self) -> dict[str, int]:
        return {
            "will_send": self.will_send,
            "invalid": self.invalid,
            "duplicates": self.duplicates,
            "unsubscribed": self.unsubscribed,
            "no_email": self.no_email,
            "bounced": self.bounced,
        }


def counts(session: Session, mailing_id: int) -> dict[str, int]:
    """Recipients by response, every response code present (zero included)."""
    return recipient_counts.of_mailing(session, mailing_id)


def audience_counts(by_response: dict[str, int]) -> AudienceCounts:
    return AudienceCounts(
        will_send=by_response[Response.PLANNED.value],
        invalid=by_response[Response.CANCELLED_INVALID_EMAIL.value],
        duplicates=by_response[Response.CANCELLED_DUPLICATE.value],
        unsubscribed=by_response[Response.CANCELLED_UNSUBSCRIBED.value],
        no_email=by_response[Response.CANCELLED_NO_EMAIL.value],
        bounced=by_response[Response.CANCELLED_BOUNCED.value],
    )


def build_from_folders(
    session: Session, mailing: Mailing, prevent_duplicates: bool
) -> AudienceCounts:
    """Replace the mailing's recipients with one row per folder membership.

    Runs as one INSERT … SELECT so a million contacts never pass through
    Python. The first membership of an address is the one that sends; later
    ones are duplicates. The counts are taken once at the end rather than
    by a trigger per row.
    """
    with recipient_counts.deferred(session):
        _replace_rows(session, mailing, prevent_duplicates)
        recipient_counts.recount(session, mailing.id)
    return audience_counts(counts(session, mailing.id))


def _replace_rows(session: Session, mailing: Mailing, prevent_duplicates: bool) -> None:
    session.query(Recipient).filter(Recipient.mailing_id == mailing.id).delete(
        synchronize_session=False
    )
    folder_ids = select(MailingFolder.folder_id).where(MailingFolder.mailing_id == mailing.id)
    # Contacts without an address share a NULL key, but they are cancelled
    # for that before the rank is looked at.
    rank = func.row_number().over(partition_by=Contact.email_key, order_by=FolderMember.id)
    ranked = (
        select(
            Contact.id.label("contact_id"),
            Contact.email.label("email"),
            Contact.email_status.label("email_status"),
            Contact.unsubscribed.label("unsubscribed"),
            Contact.bounced.label("bounced"),
            rank.label("rank"),
            FolderMember.id.label("member_id"),
        )
        .join(FolderMember, FolderMember.contact_id == Contact.id)
        .where(FolderMember.folder_id.in_(folder_ids))
        .subquery()
    )
    response = case(
        (ranked.c.email_status == "none", literal(Response.CANCELLED_NO_EMAIL.value)),
        (ranked.c.email_status == "invalid", literal(Response.CANCELLED_INVALID_EMAIL.value)),
        (ranked.c.unsubscribed.is_(True), literal(Response.CANCELLED_UNSUBSCRIBED.value)),
        (ranked.c.bounced.is_(True), literal(Response.CANCELLED_BOUNCED.value)),
        *(
            [(ranked.c.rank > 1, literal(Response.CANCELLED_DUPLICATE.value))]
            if prevent_duplicates
            else []
        ),
        else_=literal(Response.PLANNED.value),
    )
    insert_recipients(
        session,
        mailing.id,
        ranked.c.contact_id,
        ranked.c.email,
        response,
        order_by=ranked.c.member_id,
    )


def insert_recipients(
    session: Session,
    mailing_id: int,
    contact_id: Column,
    email: Column,
    response: Column,
    *,
    where: Sequence[ColumnElement[bool]] = (),
    order_by: Column,
) -> None:
    """One INSERT … SELECT of recipient rows: a million contacts never pass
    through Python. The columns name what each row gets; ``order_by`` is
    the order of the rows' ids (and so of sending)."""
    now = utcnow()
    source = (
        select(
            literal(mailing_id),
            contact_id,
            email,
            response,
            literal(0),
            literal(now, Recipient.created_at.type),
            literal(now, Recipient.updated_at.type),
        )
        .where(*where)
        .order_by(order_by)
    )
    columns = ["mailing_id", "contact_id", "email", "response", "attempts"]
    session.execute(insert(Recipient).from_select([*columns, "created_at", "updated_at"], source))


def add_participants(
    session: Session, mailing: Mailing, contact_ids: Iterable[int], prevent_duplicates: bool
) -> list[int]:
    """Add campaign participants to a trigger mailing; returns recipient ids.

    A stopping or stopped mailing gives them ``stopped_manually`` at once, so
    the campaign can branch on that response without the provider ever being
    contacted.
    """
    state = MailingState(mailing.state)
    stopped = state in (MailingState.STOPPING, MailingState.STOPPED)
    expired = state is MailingState.EXPIRED
    ids = list(contact_ids)
    if not ids:
        return []
    contacts = {c.id: c for c in session.scalars(select(Contact).where(Contact.id.in_(ids))).all()}
    seen: set[str] = set()
    if prevent_duplicates:
        keys = [c.email_key for c in contacts.values() if c.email_key]
        if keys:
            seen.update(
                k
                for k in session.scalars(
                    select(Contact.email_key)
                    .join(Recipient, Recipient.contact_id == Contact.id)
                    .where(
                        Recipient.mailing_id == mailing.id,
                        Contact.email_key.in_(keys),
                        Recipient.response.in_(
                            [Response.PLANNED.value, Response.SENDING.value]
                            + [r.value for r in Response if r.handed_over]
                        ),
                    )
                )
                if k
            )
    now = utcnow()
    rows: list[Recipient] = []
    for cid in ids:
        contact = contacts.get(cid)
        if contact is None:
            continue
        if stopped:
            response = Response.STOPPED_MANUALLY
        elif expired:
            response = Response.STOPPED_EXPIRED
        elif contact.email_status == "none":
            response = Response.CANCELLED_NO_EMAIL
        elif contact.email_status == "invalid":
            response = Response.CANCELLED_INVALID_EMAIL
        elif contact.unsubscribed:
            response = Response.CANCELLED_UNSUBSCRIBED
        elif contact.bounced:
            response = Response.CANCELLED_BOUNCED
        elif prevent_duplicates and contact.email_key in seen:
            response = Response.CANCELLED_DUPLICATE
        else:
            response = Response.PLANNED
            if contact.email_key:
                seen.add(contact.email_key)
        rows.append(
            Recipient(
                mailing_id=mailing.id,
                contact_id=cid,
                email=contact.email,
                response=response.value,
                attempts=0,
                created_at=now,
                updated_at=now,
            )
        )
    session.add_all(rows)
    session.flush()
    return [r.id for r in rows]
