"""Typed ORM tables and the pure domain rules (no Qt, no network)."""

from mailapp.models.base import Base, utcnow
from mailapp.models.entities import (
    Contact,
    Folder,
    FolderMember,
    JournalEvent,
    Mailing,
    MailingFolder,
    Recipient,
    RecipientCount,
    Setting,
    Worker,
)
from mailapp.models.states import (
    Event,
    EventType,
    MailingKind,
    MailingState,
    Refused,
    Response,
    StopAction,
)

__all__ = [
    "Base",
    "Contact",
    "Event",
    "EventType",
    "Folder",
    "FolderMember",
    "JournalEvent",
    "Mailing",
    "MailingFolder",
    "MailingKind",
    "MailingState",
    "Recipient",
    "RecipientCount",
    "Refused",
    "Response",
    "Setting",
    "StopAction",
    "Worker",
    "utcnow",
]

from mailapp.models import campaigns as campaigns
