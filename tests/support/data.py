"""Test data written straight to the tables, fast enough for large audiences."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import insert, select

from mailapp.models import Contact, Folder, FolderMember, MailingKind, Recipient, Response
from mailapp.models.base import utcnow
from mailapp.services import mailings
from mailapp.services.context import AppContext
from mailapp.services.mailings import MailingInput


def add_contacts(
    ctx: AppContext,
    emails: list[str | None],
    folder: str = "Customers",
    *,
    unsubscribed: set[str] | frozenset[str] = frozenset(),
) -> list[int]:
    """Contacts in ``folder`` (created if needed); returns their ids in order.

    An address already stored is reused, so passing it twice puts one
    contact in the folder twice only through another folder.
    """
    from mailapp.models.validation import email_status

    now = utcnow()
    with ctx.db.write() as session:
        folder_id = session.scalar(select(Folder.id).where(Folder.name == folder))
        if folder_id is None:
            row = Folder(name=folder)
            session.add(row)
            session.flush()
            folder_id = row.id
        existing = dict(
            session.execute(
                select(Contact.email_key, Contact.id).where(Contact.email_key.is_not(None))
            ).all()
        )
        ids: list[int] = []
        for n, email in enumerate(emails):
            key = email.lower() if email else None
            if key is not None and key in existing:
                ids.append(existing[key])
                continue
            contact_id = session.execute(
                insert(Contact)
                .values(
                    email=email,
                    email_key=key,
                    email_status=email_status(email),
                    first_name=f"First{n}",
                    last_name=f"Last{n}",
                    fields={"city": "Riga"},
                    unsubscribed=bool(email and email in unsubscribed),
                    created_at=now,
                    updated_at=now,
                )
                .returning(Contact.id)
            ).scalar_one()
            if key is not None:
                existing[key] = contact_id
            ids.append(contact_id)
        present = set(
            session.scalars(
                select(FolderMember.contact_id).where(FolderMember.folder_id == folder_id)
            )
        )
        members = [
            {"folder_id": folder_id, "contact_id": cid, "added_at": now}
            for cid in dict.fromkeys(ids)
            if cid not in present
        ]
        if members:
            session.execute(insert(FolderMember), members)
    return ids


def bulk_contacts(ctx: AppContext, count: int, folder: str = "Customers") -> None:
    """``count`` valid contacts user{n}@example.com in one folder, set-based."""
    add_contacts(ctx, [f"user{n}@example.com" for n in range(count)], folder)


def make_mailing(
    ctx: AppContext,
    *,
    folders: tuple[str, ...] = ("Customers",),
    kind: MailingKind = MailingKind.BULK,
    html: str = "<p>Hello {{ contact.first_name }}</p>",
    subject: str = "News for {{ contact.first_name }}",
    name: str = "Autumn news",
) -> int:
    return mailings.create(
        ctx,
        MailingInput(
            name=name,
            subject=subject,
            sender_email="news@shop.example.com",
            sender_name="Shop",
            html=html,
            kind=kind,
            folders=folders if kind is MailingKind.BULK else (),
        ),
    )


def handed_over(ctx: AppContext, mailing_id: int, moments: Iterable[datetime]) -> None:
    """Recipients of ``mailing_id`` sent at each of ``moments``, one address each."""
    with ctx.db.write() as session:
        session.execute(
            insert(Recipient),
            [
                {
                    "mailing_id": mailing_id,
                    "email": f"r{n}@example.com",
                    "response": Response.SENT.value,
                    "sent_at": moment,
                }
                for n, moment in enumerate(moments)
            ],
        )
