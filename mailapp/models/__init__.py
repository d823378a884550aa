"""Typed ORM tables and the pure domain rules (no Qt, no network).

The domain rules (:mod:`mailapp.models.states`) load at once; the mapped
tables, and with them SQLAlchemy's ORM, load when one of them is first
named (``from mailapp.models import Mailing``). The window reads its first
list with SQLAlchemy Core and shows it before the ORM is loaded, which
takes a fifth of a second of its start (docs/PERFORMANCE.md).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from mailapp.models.base import utcnow
from mailapp.models.states import (
    Event,
    EventType,
    MailingKind,
    MailingState,
    Refused,
    Response,
    StopAction,
)

if TYPE_CHECKING:
    from mailapp.models.declarative import Base
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

#: The mapped names, each with the module that defines it.
_MAPPED = {
    "Base": "mailapp.models.declarative",
    **{
        name: "mailapp.models.entities"
        for name in (
            "Contact",
            "Folder",
            "FolderMember",
            "JournalEvent",
            "Mailing",
            "MailingFolder",
            "Recipient",
            "RecipientCount",
            "Setting",
            "Worker",
        )
    },
}


def __getattr__(name: str) -> Any:
    module = _MAPPED.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    # Every table at once: a mapper configured before the others are
    # known could not resolve their names.
    importlib.import_module("mailapp.models.campaign_tables")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


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
