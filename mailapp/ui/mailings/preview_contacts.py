"""The preview of a template for a contact: a few contacts of the audience
to choose from (or a made-up one while there are none) over the email.

Its texts keep the editor's translation context ("MailingEditor").
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from mailapp.services import contacts
from mailapp.services.contacts import ContactInfo
from mailapp.services.context import AppContext
from mailapp.ui.common.html_preview import HtmlPreview
from mailapp.ui.common.lazy_model import alive
from mailapp.ui.common.tasks import TaskRunner

#: Contacts offered for the preview.
SAMPLE_SIZE = 50


class PreviewContacts(QComboBox):
    """Choose whom the preview shows the email to."""

    #: () other contacts are offered (after :meth:`load`).
    contacts_loaded = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("previewContact")
        self.samples: list[ContactInfo] = []
        self._generation = 0
        self.set_contacts([])

    def load(self, tasks: TaskRunner, ctx: AppContext, folder: str | None) -> None:
        """Offer contacts of ``folder`` (of all when None), read off the GUI
        thread; only the latest request counts."""
        self._generation += 1
        generation = self._generation
        tasks.run(
            lambda: contacts.list_contacts(ctx, folder=folder, limit=SAMPLE_SIZE),
            on_success=lambda rows: self._loaded(generation, rows),
            on_failure=lambda _exc: None,
        )

    def _loaded(self, generation: int, rows: list[ContactInfo]) -> None:
        if alive(self) and generation == self._generation:
            self.set_contacts(rows)
            self.contacts_loaded.emit()

    def set_contacts(self, rows: list[ContactInfo]) -> None:
        """Offer ``rows`` (those with a valid address, if any have one)."""
        self.samples = [c for c in rows if c.email_status == "valid"] or rows
        self.blockSignals(True)
        self.clear()
        if not self.samples:
            self.addItem(
                QCoreApplication.translate("MailingEditor", "Sample contact (no contacts yet)")
            )
        for contact in self.samples:
            name = f"{contact.first_name} {contact.last_name}".strip()
            email = contact.email or ""
            self.addItem(f"{name} <{email}>" if name else email)
        self.blockSignals(False)

    def field_keys(self) -> set[str]:
        """The custom fields the offered contacts have."""
        return {k for c in self.samples for k in c.fields}

    def contact_data(self) -> dict[str, Any]:
        """The chosen contact as the template reads it."""
        row = self.currentIndex()
        if 0 <= row < len(self.samples):
            c = self.samples[row]
            return {
                **c.fields,
                "email": c.email or "",
                "first_name": c.first_name,
                "last_name": c.last_name,
            }
        return {
            "email": "alex.sample@example.com",
            "first_name": QCoreApplication.translate("MailingEditor", "Alex"),
            "last_name": QCoreApplication.translate("MailingEditor", "Sample"),
        }


class PreviewPane(QWidget):
    """ "Preview for: [contact]" over the email rendered for that contact."""

    def __init__(self, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Children made with their parent: a task's callback may outlive
        # the pane, and must never be what deletes a widget.
        self.contacts = PreviewContacts(self)
        self.preview = HtmlPreview(tasks, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        layout.addLayout(row)
        row.addWidget(QLabel(QCoreApplication.translate("MailingEditor", "Preview for:"), self))
        row.addWidget(self.contacts, 1)
        layout.addWidget(self.preview, 1)
