"""The contacts table's model: a :class:`LazyRowsModel` over one folder
or a search, so a million contacts scroll without freezing the window."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject
from PySide6.QtGui import QColor

from mailapp.services import contacts
from mailapp.services.contacts import ContactInfo
from mailapp.services.context import AppContext
from mailapp.ui.common.lazy_model import LazyRowsModel
from mailapp.ui.common.tasks import TaskRunner

_RED = QColor("#a33")
_GREY = QColor("#777")


class ContactsModel(LazyRowsModel[ContactInfo]):
    """Contacts of one folder (or all), matching a search, oldest first."""

    EMAIL, FIRST, LAST, FOLDERS, STATUS = range(5)

    def __init__(self, ctx: AppContext, tasks: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(tasks, parent)
        self._ctx = ctx
        self._folder: str | None = None
        self._search = ""

    @property
    def folder(self) -> str | None:
        return self._folder

    @property
    def search(self) -> str:
        return self._search

    def set_query(self, folder: str | None, search: str) -> None:
        """Show another folder or search; the ids load off the GUI thread."""
        self._folder = folder
        self._search = search.strip()
        self.reload()

    def fetch_ids(self) -> Sequence[int]:
        return contacts.contact_ids(self._ctx, self._folder, self._search or None)

    def fetch_rows(self, ids: Sequence[int]) -> list[tuple[int, ContactInfo]]:
        return [(c.id, c) for c in contacts.contacts_by_ids(self._ctx, ids)]

    def columns(self) -> list[str]:
        return [
            self.tr("Email"),
            self.tr("First name"),
            self.tr("Last name"),
            self.tr("Folders"),
            self.tr("Status"),
        ]

    def status_text(self, contact: ContactInfo) -> str:
        """One word for the contact: a complaint or a bounce before the rest."""
        words = self.words(self._status_words)
        if contact.complained:
            return words["complained"]
        if contact.bounced:
            return words["bounced"]
        if contact.unsubscribed:
            return words["unsubscribed"]
        if contact.email_status in ("invalid", "none"):
            return words[contact.email_status]
        return words["subscribed"]

    def _status_words(self) -> dict[str, str]:
        return {
            "complained": self.tr("Reported spam"),
            "bounced": self.tr("Address bounced"),
            "unsubscribed": self.tr("Unsubscribed"),
            "invalid": self.tr("Invalid address"),
            "none": self.tr("No address"),
            "subscribed": self.tr("Subscribed"),
        }

    def texts(self, row: ContactInfo) -> tuple[str, ...]:
        return (
            row.email or "",
            row.first_name,
            row.last_name,
            ", ".join(row.folders),
            self.status_text(row),
        )

    def colour(self, row: ContactInfo) -> QColor | None:
        """Red for an address that cannot take mail, grey for one that may not."""
        if row.email_status == "invalid" or row.bounced or row.complained:
            return _RED
        if row.unsubscribed or row.email_status != "valid":
            return _GREY
        return None
