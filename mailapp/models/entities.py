"""The tables. Per-recipient rows are the source of truth for delivery.

A recipient row moves ``planned`` → ``sending`` (claimed by one dispatcher)
→ a final response. ``tx_started_at`` is committed just before the SMTP
transaction begins, so after a crash a claimed row tells whether the message
may have reached the provider (``unconfirmed``) or surely did not (``planned``
again).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mailapp.models.base import UTCDateTime, utcnow
from mailapp.models.declarative import Base


class Contact(Base):
    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str | None] = mapped_column(String(320))
    #: Lower-cased address; unique, so one address is one contact.
    email_key: Mapped[str | None] = mapped_column(String(320), unique=True)
    #: ``valid``, ``invalid`` or ``none``, decided once when the address is saved.
    email_status: Mapped[str] = mapped_column(String(10), default="valid")
    first_name: Mapped[str] = mapped_column(String(200), default="")
    last_name: Mapped[str] = mapped_column(String(200), default="")
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    unsubscribed: Mapped[bool] = mapped_column(Boolean, default=False)
    #: A bounce report said the address does not exist (or three soft
    #: bounces in a row did): later audiences give it ``cancelled_bounced``.
    bounced: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: The recipient reported a mailing as spam (and was unsubscribed for it).
    complained: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Folder(Base):
    __tablename__ = "folders"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FolderMember(Base):
    """A contact in a folder; ``added_at`` tells campaigns when it came."""

    __tablename__ = "folder_members"
    __table_args__ = (UniqueConstraint("folder_id", "contact_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    folder_id: Mapped[int] = mapped_column(ForeignKey("folders.id", ondelete="CASCADE"))
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Mailing(Base):
    __tablename__ = "mailings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(10), default="bulk")
    state: Mapped[str] = mapped_column(String(30), default="draft", index=True)
    sender_name: Mapped[str] = mapped_column(String(200), default="")
    sender_email: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(998))
    html: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: End of the delay window while ``waiting_before_send``.
    send_after: Mapped[datetime | None] = mapped_column(UTCDateTime)
    state_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    #: A hold (*Stop sending* clicked, its dialog open): no SMTP transaction
    #: begins and the delay window stands still until ``hold_until`` (by
    #: the database's clock), which the holding window keeps renewing.
    hold_token: Mapped[str | None] = mapped_column(String(64))
    held_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hold_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The mailing this one resends to those it did not reach (a follow-up:
    #: its recipients are fixed when it is made, it has no folders).
    follows_id: Mapped[int | None] = mapped_column(
        ForeignKey("mailings.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    folders: Mapped[list[Folder]] = relationship(secondary="mailing_folders", lazy="selectin")


class MailingFolder(Base):
    __tablename__ = "mailing_folders"

    mailing_id: Mapped[int] = mapped_column(
        ForeignKey("mailings.id", ondelete="CASCADE"), primary_key=True
    )
    folder_id: Mapped[int] = mapped_column(
        ForeignKey("folders.id", ondelete="CASCADE"), primary_key=True
    )


def _unfinished_index(response: str) -> Index:
    """A partial index of a mailing's rows with one unfinished response.

    Claims, the stop's finish and the counts of what is left read these; a
    finished row leaves them, and no index of finished rows moves when a
    million recipients are stopped. ``response`` is in the key so that
    SQLite, without statistics, prefers this index to the mailing's full
    one for ``mailing_id = ? AND response = ?``.
    """
    where = text(f"response = '{response}'")
    return Index(
        f"ix_recipients_{response}",
        "mailing_id",
        "response",
        sqlite_where=where,
        postgresql_where=where,
    )


class Recipient(Base):
    __tablename__ = "recipients"
    __table_args__ = (
        # By mailing, and within it by the time handed over (analytics).
        Index("ix_recipients_mailing_id_sent_at", "mailing_id", "sent_at"),
        *(_unfinished_index(response) for response in ("planned", "sending")),
        Index("ix_recipients_claimed_by", "claimed_by"),
        Index("ix_recipients_message_id", "message_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mailing_id: Mapped[int] = mapped_column(ForeignKey("mailings.id", ondelete="CASCADE"))
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    email: Mapped[str | None] = mapped_column(String(320))
    response: Mapped[str] = mapped_column(String(30), default="planned")
    message_id: Mapped[str | None] = mapped_column(String(250))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    tx_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RecipientCount(Base):
    """How many recipients of a mailing have each response.

    Kept by database triggers on ``recipients`` (migration 0005), so every
    writer of a response is counted, whatever code path it takes; a bulk
    writer may defer the triggers for its own transaction and account for
    its rows itself (:mod:`mailapp.services.counts`). The window reads its
    numbers here instead of scanning a million rows.
    """

    __tablename__ = "recipient_counts"

    mailing_id: Mapped[int] = mapped_column(
        ForeignKey("mailings.id", ondelete="CASCADE"), primary_key=True
    )
    response: Mapped[str] = mapped_column(String(30), primary_key=True)
    n: Mapped[int] = mapped_column(Integer)


class JournalEvent(Base):
    __tablename__ = "journal"
    __table_args__ = (Index("ix_journal_mailing_id_id", "mailing_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    time: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    mailing_id: Mapped[int | None] = mapped_column(ForeignKey("mailings.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(40))
    type: Mapped[str] = mapped_column(String(10))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: The English text, kept so scripts read the log without the UI.
    message: Mapped[str] = mapped_column(Text)
    #: Who caused the event (the ``UserName`` setting, else user@host);
    #: None for the engine's own events.
    actor: Mapped[str | None] = mapped_column(String(200))


class Setting(Base):
    __tablename__ = "settings"

    code: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Worker(Base):
    """The lease of one sending lane; recipients are claimed under its id.

    A process holds one lease per SMTP lane and raises ``beat`` while it
    lives. Peers judge it by that counter and their own monotonic clock, or
    on the same host by its pid, never by comparing wall clocks.
    """

    __tablename__ = "workers"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: The process the lane belongs to; its heartbeat renews all its leases.
    process_id: Mapped[str] = mapped_column(String(64), index=True)
    hostname: Mapped[str] = mapped_column(String(255))
    #: Host name, boot and PID namespace: where ``pid`` means something.
    host_key: Mapped[str] = mapped_column(String(400))
    pid: Mapped[int] = mapped_column(Integer)
    beat: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
