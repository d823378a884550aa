"""Send one test email of a mailing to an address the marketer chooses.

A marketer checks the look of a mailing in a real inbox before starting it.
The test is rendered for a real contact of the mailing's folders (the first
one with a valid address), so personalisation shows as recipients will see
it; a mailing without contacts yet uses a placeholder contact. The test goes
through the configured provider exactly like the mailing would, but it is not
a recipient of the mailing: nothing in the database changes.

The subject starts with :data:`SUBJECT_PREFIX`, so a test can never be taken
for the real mailing in an inbox (or in a colleague's, once forwarded). A
draft may be stored incomplete; a test of one is refused with the same
reason *Start sending* would give, before anything is rendered.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from mailapp.delivery.dkim import DkimError
from mailapp.delivery.message import (
    MessageError,
    build_message,
    make_message_id,
    unsubscribe_link,
)
from mailapp.delivery.render import TemplateProblem, compile_template
from mailapp.delivery.smtp import Outcome, SmtpConnection
from mailapp.models import Contact, FolderMember, MailingFolder, Refused
from mailapp.models.validation import require_email
from mailapp.services import dkim_setup, unsubscribe
from mailapp.services import settings as settings_service
from mailapp.services.context import AppContext
from mailapp.services.mailings import MailingInput, load, validate
from mailapp.services.provider import ProviderError, ProviderSession

#: The contact a test is rendered for when the mailing's folders are empty.
PLACEHOLDER_CONTACT: dict[str, Any] = {"first_name": "Alex", "last_name": "Sample"}

#: In front of every test's subject. It goes into the email itself, like the
#: mailing's own subject, so it is not translated with the window.
SUBJECT_PREFIX = "[Test] "


def sample_contact(ctx: AppContext, mailing_id: int) -> dict[str, Any] | None:
    """The first contact with a valid address in the mailing's folders, as
    the template sees it, or None when there is none."""
    with ctx.db.read() as session:
        load(session, mailing_id)
        row = session.execute(
            select(Contact.email, Contact.first_name, Contact.last_name, Contact.fields)
            .join(FolderMember, FolderMember.contact_id == Contact.id)
            .join(MailingFolder, MailingFolder.folder_id == FolderMember.folder_id)
            .where(
                MailingFolder.mailing_id == mailing_id,
                Contact.email_status == "valid",
                Contact.unsubscribed.is_(False),
            )
            .order_by(FolderMember.id)
            .limit(1)
        ).first()
    if row is None:
        return None
    email, first, last, fields = row
    return {**(fields or {}), "email": email, "first_name": first, "last_name": last}


def send_test(ctx: AppContext, mailing_id: int, to: str, provider: ProviderSession) -> str:
    """Render the mailing and hand it to the provider for ``to``; returns the
    Message-ID. :class:`Refused` for bad input (the address, or a draft not
    complete enough to send), and :class:`ProviderError` when the provider
    does not take the message."""
    address = require_email(to, "Test address")
    with ctx.db.read() as session:
        mailing = load(session, mailing_id)
        stored = MailingInput(
            name=mailing.name,
            subject=mailing.subject,
            sender_email=mailing.sender_email,
            html=mailing.html,
            sender_name=mailing.sender_name,
        )
    # Folders and kind do not matter for one test email; the content does.
    clean = validate(stored)
    name, subject, html = clean.name, clean.subject, clean.html
    sender_name, sender_email = clean.sender_name, clean.sender_email
    contact = sample_contact(ctx, mailing_id) or {**PLACEHOLDER_CONTACT, "email": address}
    settings = settings_service.load(ctx)
    # A test is no recipient: its token names none, and its link says so.
    template = settings.unsubscribe_url
    token = unsubscribe.tokens(ctx).make(0, ctx.db.now()) if "{token}" in template else ""
    unsubscribe_url = unsubscribe_link(template, str(contact["email"]), token)
    try:
        rendered = compile_template(subject, html).render(contact, name, unsubscribe_url)
    except TemplateProblem as exc:
        raise Refused(
            "template_error",
            f"Template error: {exc}",
            error=exc.message,
            part=exc.part,
            line=exc.line,
        ) from None
    message_id = make_message_id(sender_email.rpartition("@")[2] or "localhost")
    try:
        data = build_message(
            sender_name=sender_name,
            sender_email=sender_email,
            to=address,
            subject=SUBJECT_PREFIX + rendered.subject,
            html=rendered.html,
            text=rendered.text,
            message_id=message_id,
            unsubscribe_url=unsubscribe_url,
            mailing_id=mailing_id,
        )
        signer = dkim_setup.signer(settings)
    except MessageError as exc:
        raise Refused(
            "message_error", f"The email cannot be built: {exc}", error=str(exc)
        ) from None
    except DkimError as exc:
        raise dkim_setup.refusal(exc) from None
    if signer is not None:
        data = signer.sign(data)
    config = provider.config(settings)
    connection = SmtpConnection(config)
    try:
        connection.open()
        result = connection.send(sender_email, address, data)
    finally:
        connection.close()
    if result.outcome is Outcome.ACCEPTED:
        return message_id
    if result.outcome is Outcome.UNCONFIRMED:
        raise ProviderError(
            "The connection was lost after the test email was sent; "
            f"it may still arrive ({result.describe()})"
        )
    raise ProviderError(f"The provider did not take the test email: {result.describe()}")
