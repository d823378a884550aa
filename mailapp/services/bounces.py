"""Applying what the bounce mailbox says: bounces, complaints, unsubscribe requests.

Each message is read (:func:`~mailapp.delivery.bounce_reports.parse_report`),
matched to the recipient it is about and applied in one transaction of its
own, so a crash half-way loses nothing that was applied and applying a
message again changes nothing:

* **Matching**, in this order: the VERP address the report was sent to
  (``BounceAddress`` ``bounces@d`` → ``bounces+TOKEN@d``, the token naming
  the recipient row); the Message-ID of the original message that the
  report quotes; the failed address, against the most recent mailing that
  handed a message to it (by the time it was handed over, never by the
  report's own Date header, which remote servers get wrong).
* **Effects**: a hard bounce gives the recipient ``hard_bounce`` and marks
  the contact bounced (later audiences: ``cancelled_bounced``); a soft one
  gives ``soft_bounce``, and when the contact's last three mailings all
  soft-bounced it is suppressed as a hard bounce would; a complaint gives
  ``spam_complaint`` and unsubscribes the contact; an unsubscribe request
  gives ``unsubscribed`` and unsubscribes it. A response is only ever
  moved forward from a delivered one: a report never revives a stopped or
  cancelled recipient.

The sending log gets one ``bounces_processed`` event per mailing touched and
one for the whole run, with the counts.
"""

from __future__ import annotations

import ssl
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from mailapp.delivery import bounce_mailbox, credentials
from mailapp.delivery.bounce_mailbox import MailboxError
from mailapp.delivery.bounce_reports import Kind, Report, parse_report
from mailapp.delivery.mail_files import MailFileError, check_paths, read_messages
from mailapp.delivery.mailbox_url import MailboxUrl, MailboxUrlError, parse_mailbox_url
from mailapp.delivery.tokens import Tokens
from mailapp.delivery.verp import verp_recipients
from mailapp.models import Contact, Event, Recipient, Refused, Response
from mailapp.models.base import utcnow
from mailapp.services import journal, unsubscribe
from mailapp.services import settings as settings_service
from mailapp.services.context import AppContext

#: Soft bounces in a row (from separate mailings) that suppress a contact.
SOFT_BOUNCES_TO_SUPPRESS = 3

#: The responses each kind of report may replace.
_DELIVERED = (Response.SENT, Response.UNCONFIRMED)
_REPLACES: dict[Kind, tuple[Response, ...]] = {
    Kind.HARD: (*_DELIVERED, Response.SOFT_BOUNCE),
    Kind.SOFT: _DELIVERED,
    Kind.COMPLAINT: (
        *_DELIVERED,
        Response.SOFT_BOUNCE,
        Response.HARD_BOUNCE,
        Response.UNSUBSCRIBED,
    ),
    Kind.UNSUBSCRIBE: (*_DELIVERED, Response.SOFT_BOUNCE),
}
_RESPONSE_OF = {
    Kind.HARD: Response.HARD_BOUNCE,
    Kind.SOFT: Response.SOFT_BOUNCE,
    Kind.COMPLAINT: Response.SPAM_COMPLAINT,
    Kind.UNSUBSCRIBE: Response.UNSUBSCRIBED,
}
_COUNT_OF = {
    Kind.HARD: "hard",
    Kind.SOFT: "soft",
    Kind.COMPLAINT: "complaints",
    Kind.UNSUBSCRIBE: "unsubscribes",
}
COUNT_KEYS = ("messages", "hard", "soft", "complaints", "unsubscribes", "unmatched", "ignored")


@dataclass
class BounceCounts:
    """What one read of the mailbox found (the ``bounces … --json`` object)."""

    messages: int = 0
    hard: int = 0
    soft: int = 0
    complaints: int = 0
    unsubscribes: int = 0
    unmatched: int = 0
    ignored: int = 0
    #: Messages not understood, left where they were (counted in ``ignored``).
    left: int = 0

    def as_json(self) -> dict[str, int]:
        return {key: getattr(self, key) for key in COUNT_KEYS}


@dataclass(frozen=True)
class Handled:
    """What became of one message."""

    kind: Kind
    #: False for a message nobody understood: it stays in the mailbox.
    understood: bool
    recipient_id: int | None = None
    mailing_id: int | None = None


@dataclass
class BounceRun:
    """One read of the mailbox (or of files): apply messages, then :meth:`finish`."""

    ctx: AppContext
    bounce_address: str = ""
    unsubscribe_mailbox: str = ""
    tokens: Tokens | None = None
    counts: BounceCounts = field(default_factory=BounceCounts)
    _by_mailing: dict[int, Counter[str]] = field(default_factory=dict)

    @classmethod
    def open(cls, ctx: AppContext) -> BounceRun:
        settings = settings_service.load(ctx)
        return cls(
            ctx,
            bounce_address=settings.bounce_address,
            unsubscribe_mailbox=settings.unsubscribe_mailbox,
            tokens=unsubscribe.tokens(ctx),
        )

    def handle(self, data: bytes) -> Handled:
        """Read and apply one raw message."""
        report = parse_report(data, self.unsubscribe_mailbox)
        self.counts.messages += 1
        if report.kind is Kind.UNKNOWN:
            self.counts.ignored += 1
            self.counts.left += 1
            return Handled(Kind.UNKNOWN, understood=False)
        if report.kind is Kind.IGNORED:
            self.counts.ignored += 1
            return Handled(Kind.IGNORED, understood=True)
        with self.ctx.db.write() as session:
            recipient = self._match(session, report)
            if recipient is None:
                self.counts.unmatched += 1
                return Handled(report.kind, understood=True)
            _apply(session, report, recipient)
            handled = Handled(report.kind, True, recipient.id, recipient.mailing_id)
        key = _COUNT_OF[report.kind]
        setattr(self.counts, key, getattr(self.counts, key) + 1)
        self._by_mailing.setdefault(recipient.mailing_id, Counter())[key] += 1
        return handled

    def finish(self, source: str) -> BounceCounts:
        """Write the sending log's events and tell the windows; the counts."""
        if not self.counts.messages:
            return self.counts
        with self.ctx.db.write() as session:
            for mailing_id, counted in sorted(self._by_mailing.items()):
                params: dict[str, Any] = {key: counted.get(key, 0) for key in COUNT_KEYS}
                params["messages"] = sum(counted.values())
                journal.record(
                    session, mailing_id, Event.BOUNCES_PROCESSED, source=source, **params
                )
            overall: dict[str, Any] = dict(self.counts.as_json())
            journal.record(session, None, Event.BOUNCES_PROCESSED, source=source, **overall)
        if self._by_mailing:
            self.ctx.hub.mailings_changed(*self._by_mailing)
            self.ctx.hub.contacts_changed()
        return self.counts

    # -- matching ----------------------------------------------------------

    def _match(self, session: Session, report: Report) -> Recipient | None:
        if self.bounce_address and self.tokens is not None:
            for recipient_id in verp_recipients(self.bounce_address, self.tokens, report.text):
                found = session.get(Recipient, recipient_id)
                if found is not None:
                    return found
        for message_id in report.message_ids:
            found = session.scalars(
                select(Recipient).where(Recipient.message_id == message_id).limit(1)
            ).first()
            if found is not None:
                return found
        for address in report.addresses:
            found = _latest_sent_to(session, address)
            if found is not None:
                return found
        return None


def _email_key(address: str) -> str:
    try:
        return validate_email(address, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return address.strip().lower()


def _latest_sent_to(session: Session, address: str) -> Recipient | None:
    """The recipient of the most recent mailing handed over to ``address``."""
    contact_id = session.scalar(select(Contact.id).where(Contact.email_key == _email_key(address)))
    if contact_id is None:
        return None
    return session.scalars(
        select(Recipient)
        .where(Recipient.contact_id == contact_id, Recipient.sent_at.is_not(None))
        .order_by(Recipient.sent_at.desc(), Recipient.id.desc())
        .limit(1)
    ).first()


# -- effects -------------------------------------------------------------------


def _apply(session: Session, report: Report, recipient: Recipient) -> None:
    now = utcnow()
    response = _RESPONSE_OF[report.kind]
    session.execute(
        update(Recipient)
        .where(
            Recipient.id == recipient.id,
            Recipient.response.in_([r.value for r in _REPLACES[report.kind]]),
        )
        .values(response=response.value, last_error=report.detail or None, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if recipient.contact_id is None:
        return
    changes: dict[str, Any] = {}
    if report.kind is Kind.HARD:
        changes["bounced"] = True
    elif report.kind is Kind.SOFT:
        if _soft_streak(session, recipient.contact_id) >= SOFT_BOUNCES_TO_SUPPRESS:
            changes["bounced"] = True
    elif report.kind is Kind.COMPLAINT:
        changes.update(unsubscribed=True, complained=True)
    elif report.kind is Kind.UNSUBSCRIBE:
        changes["unsubscribed"] = True
    if changes:
        session.execute(
            update(Contact)
            .where(Contact.id == recipient.contact_id)
            .values(**changes, updated_at=now)
            .execution_options(synchronize_session=False)
        )


def _soft_streak(session: Session, contact_id: int) -> int:
    """How many of the contact's latest mailings in a row ended in a soft bounce.

    The mailings that handed a message over, or that gave up on a temporary
    failure at the provider, count, newest first; a delivered one (no report
    came back) ends the streak.
    """
    responses = session.scalars(
        select(Recipient.response)
        .where(
            Recipient.contact_id == contact_id,
            or_(Recipient.sent_at.is_not(None), Recipient.response == Response.SOFT_BOUNCE.value),
        )
        .order_by(
            func.coalesce(Recipient.sent_at, Recipient.updated_at).desc(), Recipient.id.desc()
        )
        .limit(SOFT_BOUNCES_TO_SUPPRESS)
    ).all()
    streak = 0
    for value in responses:
        if value != Response.SOFT_BOUNCE.value:
            break
        streak += 1
    return streak


# -- the sources ---------------------------------------------------------------


def _mailbox_url(text: str) -> MailboxUrl:
    """The mailbox ``text`` names, or the setting's refusal of it."""
    try:
        return parse_mailbox_url(text)
    except MailboxUrlError as exc:
        raise Refused(
            "setting_bounce_mailbox", str(exc), setting="BounceMailbox", value=text
        ) from None


def _mailbox_login(ctx: AppContext, link: str | None = None) -> tuple[MailboxUrl, str]:
    """The mailbox of ``link`` (default: ``BounceMailbox``) and its saved password."""
    text = link if link is not None else settings_service.load(ctx).bounce_mailbox
    if not text:
        raise Refused(
            "bounce_mailbox_not_set",
            "Set the bounce mailbox first, for example: mailapp settings set BounceMailbox "
            "imaps://bounces@example.com@imap.example.com/INBOX",
        )
    url = _mailbox_url(text)
    try:
        password = credentials.get_password(url.user, url.host, credentials.MAILBOX)
    except credentials.CredentialsError as exc:
        raise Refused("keyring", str(exc), detail=str(exc)) from None
    if not password:
        raise Refused(
            "bounce_password_missing",
            f"No password is saved for {url.user} at {url.host}; save it with "
            "'mailapp settings set-password --mailbox'",
            user=url.user,
            host=url.host,
        )
    return url, password


def save_mailbox_password(link: str, password: str) -> None:
    """Keep the password of the mailbox ``link`` names in the system keyring."""
    url = _mailbox_url(link)
    try:
        credentials.set_password(url.user, url.host, password, credentials.MAILBOX)
    except credentials.CredentialsError as exc:
        raise Refused("keyring", str(exc), detail=str(exc)) from None


def check_mailbox(
    ctx: AppContext,
    link: str | None = None,
    password: str | None = None,
    *,
    ssl_context: ssl.SSLContext | None = None,
) -> int:
    """*Test connection*: log in and open the folder; how many messages it holds.

    ``link`` and ``password`` test what the settings window shows before it
    is saved; without them the saved ones are tested.
    """
    if password is None:
        url, password = _mailbox_login(ctx, link)
    else:
        text = link or settings_service.load(ctx).bounce_mailbox
        url = _mailbox_url(text)
    try:
        return bounce_mailbox.check(url, password, ssl_context=ssl_context)
    except MailboxError as exc:
        raise Refused(
            "bounce_mailbox_error", str(exc), problem=exc.problem, detail=exc.detail
        ) from None


def fetch_mailbox(ctx: AppContext, *, ssl_context: ssl.SSLContext | None = None) -> BounceCounts:
    """Read ``BounceMailbox``, apply what it says, move what was understood."""
    url, password = _mailbox_login(ctx)
    run = BounceRun.open(ctx)
    try:
        bounce_mailbox.fetch(
            url, password, lambda data: run.handle(data).understood, ssl_context=ssl_context
        )
    except MailboxError as exc:
        raise Refused(
            "bounce_mailbox_error", str(exc), problem=exc.problem, detail=exc.detail
        ) from None
    finally:
        run.finish("mailbox")
    return run.counts


def import_files(ctx: AppContext, paths: Sequence[str]) -> BounceCounts:
    """Apply the messages of ``.eml`` files, Maildir folders and mbox files."""
    try:
        checked = check_paths(paths)
    except MailFileError as exc:
        raise Refused("bounce_files", str(exc), path=exc.path, problem=exc.problem) from None
    run = BounceRun.open(ctx)
    try:
        for data in read_messages(checked):
            run.handle(data)
    finally:
        run.finish("files")
    return run.counts
