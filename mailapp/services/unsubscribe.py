"""One-click unsubscribe (RFC 8058): the secret, the links, and what a click does.

``UnsubscribeUrl`` may contain ``{token}``; each message gets the token of
its recipient (:mod:`mailapp.delivery.tokens`). The secret that signs the
tokens is made on first use and kept in the database's settings table, under
a code that no setting has: ``settings list`` never shows it, no command
prints it, and every worker sharing the database signs and checks alike.

What a token is worth:

* it verifies and its recipient row exists → the contact is unsubscribed,
  and a recipient that was ``sent`` gets the response ``unsubscribed``;
* it does not verify (mistyped, cut, forged, another database's) → nothing;
* it is **expired**: made more than :data:`TOKEN_DAYS` days ago. A year is
  long past what the law asks (CAN-SPAM: 30 days after sending) and what
  mailbox providers use (the one-click button acts within days), and keeps a
  link that was forwarded or leaked from working for ever;
* its recipient is gone (the mailing was deleted) → nothing either.

An unsubscribe changes the recipient's response only from ``sent``: that row
is final, and the dispatcher never reads or writes a ``sent`` row again, so
no sending guarantee is touched. A recipient still ``sending`` (its 250 not
yet recorded) or ``unconfirmed`` keeps its response; the contact is
unsubscribed all the same.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import Update, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mailapp.delivery.tokens import BadToken, Tokens
from mailapp.models import Contact, Event, Mailing, Recipient, Response, Setting
from mailapp.models.base import utcnow
from mailapp.services import journal
from mailapp.services.context import AppContext

#: The settings row of the token secret (no setting has this code).
SECRET_CODE = "_UnsubscribeTokenSecret"
#: How long a link keeps working after its message was made.
TOKEN_DAYS = 365


def tokens(ctx: AppContext) -> Tokens:
    """The token maker of the database, its secret made on first use.

    Two processes making it at once both insert; the primary key lets one
    win and the other reads the winner's secret. One read: the dispatcher
    calls it once per mailing it serves, the listener once per request.
    """
    with ctx.db.read() as session:
        row = session.get(Setting, SECRET_CODE)
        stored = row.value if row is not None else None
    if stored is None:
        try:
            with ctx.db.write() as session:
                session.add(Setting(code=SECRET_CODE, value=secrets.token_hex(32)))
        except IntegrityError:
            pass
        with ctx.db.read() as session:
            row = session.get(Setting, SECRET_CODE)
            assert row is not None
            stored = row.value
    return Tokens(bytes.fromhex(stored))


class Verdict(StrEnum):
    #: The link is good and names a recipient.
    VALID = "valid"
    #: Not a token of this database (or cut, mistyped, forged).
    INVALID = "invalid"
    #: A real token, older than :data:`TOKEN_DAYS`.
    EXPIRED = "expired"
    #: A real token whose recipient no longer exists (the mailing was deleted).
    GONE = "gone"


@dataclass(frozen=True)
class LinkInfo:
    """What the unsubscribe page says about a link."""

    verdict: Verdict
    email: str = ""
    mailing_name: str = ""
    #: The contact's ``language`` field (``en``, ``ru``) if it has one.
    language: str = ""
    already_unsubscribed: bool = False


def _recipient_id(ctx: AppContext, token: str, today: date) -> tuple[Verdict, int]:
    try:
        data = tokens(ctx).read(token)
    except BadToken:
        return Verdict.INVALID, 0
    if today - data.issued > timedelta(days=TOKEN_DAYS):
        return Verdict.EXPIRED, 0
    return Verdict.VALID, data.recipient_id


def _language(fields: Any) -> str:
    if isinstance(fields, dict):
        for name in ("language", "lang", "locale"):
            value = str(fields.get(name) or "").strip().lower()[:2]
            if value:
                return value
    return ""


def inspect(ctx: AppContext, token: str) -> LinkInfo:
    """What the link is about, changing nothing (the GET page)."""
    verdict, recipient_id = _recipient_id(ctx, token, utcnow().date())
    if verdict is not Verdict.VALID:
        return LinkInfo(verdict)
    with ctx.db.read() as session:
        recipient = session.get(Recipient, recipient_id)
        if recipient is None:
            return LinkInfo(Verdict.GONE)
        contact = session.get(Contact, recipient.contact_id) if recipient.contact_id else None
        return _link_info(
            session, recipient, contact, bool(contact is not None and contact.unsubscribed)
        )


def _link_info(
    session: Session, recipient: Recipient, contact: Contact | None, already: bool
) -> LinkInfo:
    mailing = session.get(Mailing, recipient.mailing_id)
    return LinkInfo(
        Verdict.VALID,
        email=recipient.email or "",
        mailing_name=mailing.name if mailing is not None else "",
        language=_language(contact.fields) if contact is not None else "",
        already_unsubscribed=already,
    )


def _changed(session: Session, statement: Update) -> bool:
    """Run a conditional UPDATE; whether it changed a row."""
    result = cast(CursorResult[Any], session.execute(statement))
    return bool(result.rowcount)


def unsubscribe(ctx: AppContext, token: str) -> LinkInfo:
    """Unsubscribe the contact the token names (the POST).

    One transaction: the contact's flag, the recipient's response (from
    ``sent`` only) and the ``contact_unsubscribed`` event. A repeat finds
    nothing to change and writes nothing.
    """
    verdict, recipient_id = _recipient_id(ctx, token, utcnow().date())
    if verdict is not Verdict.VALID:
        return LinkInfo(verdict)
    with ctx.db.write() as session:
        recipient = session.get(Recipient, recipient_id)
        if recipient is None:
            return LinkInfo(Verdict.GONE)
        now = utcnow()
        contact = session.get(Contact, recipient.contact_id) if recipient.contact_id else None
        changed_contact = contact is not None and _changed(
            session,
            update(Contact)
            .where(Contact.id == contact.id, Contact.unsubscribed.is_(False))
            .values(unsubscribed=True, updated_at=now),
        )
        changed_response = _changed(
            session,
            update(Recipient)
            .where(Recipient.id == recipient_id, Recipient.response == Response.SENT.value)
            .values(response=Response.UNSUBSCRIBED.value, updated_at=now),
        )
        if changed_contact or changed_response:
            journal.record(
                session,
                recipient.mailing_id,
                Event.CONTACT_UNSUBSCRIBED,
                email=recipient.email or "",
            )
        info = _link_info(session, recipient, contact, not (changed_contact or changed_response))
        mailing_id = recipient.mailing_id
    ctx.hub.mailings_changed(mailing_id)
    return info
