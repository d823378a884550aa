"""What will go wrong if a mailing is started now: the warnings of *Start
sending*.

None of this refuses Start (``lifecycle.start`` does that); it tells the
marketer before they confirm what the audience and the template will do:
how many recipients lack a field the template reads (their emails show it
empty), how many addresses will be cancelled as invalid or unsubscribed,
whether a bulk email has no unsubscribe link, and where the mail goes.

The audience can be a million contacts, so every count is one SQL
aggregate over the audience (a ``SUM(CASE …)`` per field), never a loop in
Python. Run it off the GUI thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from mailapp.delivery.template_check import template_reads
from mailapp.models import Contact, FolderMember, MailingFolder, MailingKind, Recipient, Response
from mailapp.services import mailings
from mailapp.services import settings as settings_service
from mailapp.services.context import AppContext
from mailapp.services.mailings import MailingInfo

#: Contact fields stored in their own columns; the others live in ``fields``.
_COLUMNS = {"first_name": Contact.first_name, "last_name": Contact.last_name}


@dataclass(frozen=True)
class MissingField:
    """A field the template reads and ``recipients`` of the audience lack
    (no such field, or an empty one)."""

    name: str
    recipients: int


@dataclass(frozen=True)
class StartCheck:
    """What the *Start sending* confirmation tells."""

    mailing: MailingInfo
    #: Recipients who will be sent the email (None for a trigger mailing:
    #: its campaigns add them later).
    recipients: int | None
    #: Resuming after an error: the audience was built at the first start.
    resumed: bool
    #: Addresses of the audience that will be cancelled.
    invalid: int
    unsubscribed: int
    #: Fields of the template some recipients lack, by name.
    missing_fields: tuple[MissingField, ...]
    #: Whether the body puts ``{{ unsubscribe_url }}`` anywhere, and whether
    #: the UnsubscribeUrl setting gives it a link to lead to.
    has_unsubscribe_link: bool
    unsubscribe_url_set: bool
    provider: str
    smtp_host: str
    delay_seconds: int

    @property
    def lacks_unsubscribe_link(self) -> bool:
        """A bulk email without a working unsubscribe link in its body."""
        return self.mailing.kind is MailingKind.BULK and not (
            self.has_unsubscribe_link and self.unsubscribe_url_set
        )


def _lacks(name: str) -> ColumnElement[bool]:
    """The contact has no value for the field ``name``."""
    column = _COLUMNS.get(name)
    if column is not None:
        return func.trim(column) == ""
    # One JSON lookup per row: NULL (no such field) and blank alike.
    return func.coalesce(func.trim(Contact.fields[name].as_string()), "") == ""


def _count_if(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _readable(name: str) -> bool:
    """A name a JSON path can carry as is (``contact["a\\"b"]`` cannot)."""
    return name not in ("email",) and not any(ch in name for ch in '"\\')


def _from_folders(
    session: Session, mailing_id: int, fields: list[str], *, follow_up: bool = False
) -> tuple[int, int, int, list[int]]:
    """(will be sent, invalid, unsubscribed, lacking each field) over the
    contacts of the mailing's folders, each contact once; a follow-up's are
    those fixed when it was made."""
    if follow_up:
        members = select(Recipient.contact_id).where(Recipient.mailing_id == mailing_id)
    else:
        members = select(FolderMember.contact_id).where(
            FolderMember.folder_id.in_(
                select(MailingFolder.folder_id).where(MailingFolder.mailing_id == mailing_id)
            )
        )
    sendable = (Contact.email_status == "valid") & Contact.unsubscribed.is_(False)
    row = session.execute(
        select(
            _count_if(sendable),
            _count_if(Contact.email_status != "valid"),
            _count_if((Contact.email_status == "valid") & Contact.unsubscribed.is_(True)),
            *(_count_if(sendable & _lacks(name)) for name in fields),
        ).where(Contact.id.in_(members))
    ).one()
    values = [int(v) for v in row]
    return values[0], values[1], values[2], values[3:]


def _from_recipients(session: Session, mailing_id: int, fields: list[str]) -> list[int]:
    """Lacking each field, over the recipients still to be sent (a mailing
    resumed after an error keeps its audience)."""
    if not fields:
        return []
    row = session.execute(
        select(*(_count_if(_lacks(name)) for name in fields))
        .select_from(Recipient)
        .join(Contact, Contact.id == Recipient.contact_id)
        .where(
            Recipient.mailing_id == mailing_id,
            Recipient.response.in_([Response.PLANNED.value, Response.SENDING.value]),
        )
    ).one()
    return [int(v) for v in row]


def check_start(ctx: AppContext, mailing_id: int) -> StartCheck:
    """The warnings for starting ``mailing_id`` now (see :class:`StartCheck`)."""
    info = mailings.get(ctx, mailing_id)
    settings = settings_service.load(ctx)
    reads = template_reads(info.subject, info.html)
    fields = [name for name in reads.fields if _readable(name)]
    recipients: int | None = None
    resumed = False
    invalid = unsubscribed = 0
    lacking: list[int] = []
    if info.kind is MailingKind.BULK:
        with ctx.db.read() as session:
            resumed = mailings.handed_over_count(session, mailing_id) > 0
            if resumed:
                recipients = info.pending
                lacking = _from_recipients(session, mailing_id, fields)
            else:
                recipients, invalid, unsubscribed, lacking = _from_folders(
                    session, mailing_id, fields, follow_up=info.follows is not None
                )
    missing = tuple(
        MissingField(name, count) for name, count in zip(fields, lacking, strict=False) if count
    )
    return StartCheck(
        mailing=info,
        recipients=recipients,
        resumed=resumed,
        invalid=invalid,
        unsubscribed=unsubscribed,
        missing_fields=missing,
        has_unsubscribe_link=reads.unsubscribe_link,
        unsubscribe_url_set=bool(settings.unsubscribe_url.strip()),
        provider=settings.provider,
        smtp_host=settings.smtp_host,
        delay_seconds=settings.delay_seconds,
    )
