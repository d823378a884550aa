"""*Insert field*: the button whose menu puts a contact field, the mailing's
name or the unsubscribe link into the template.

Its texts keep the editor's translation context ("MailingEditor").
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QToolButton, QWidget


class FieldMenuButton(QToolButton):
    """``chosen`` gives the template code of the item picked."""

    #: (str) the template code to insert, e.g. ``{{ contact.city }}``.
    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setText(QCoreApplication.translate("MailingEditor", "Insert field"))
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.field_menu = QMenu(self)
        self.setMenu(self.field_menu)
        self.set_fields([])

    def set_fields(self, custom: list[str]) -> None:
        """The built-in entries, then the custom fields ``custom``."""
        self.field_menu.clear()
        for text, code in (
            (QCoreApplication.translate("MailingEditor", "First name"), "{{ contact.first_name }}"),
            (QCoreApplication.translate("MailingEditor", "Last name"), "{{ contact.last_name }}"),
            (QCoreApplication.translate("MailingEditor", "Email"), "{{ contact.email }}"),
            (QCoreApplication.translate("MailingEditor", "Mailing name"), "{{ mailing.name }}"),
            (
                QCoreApplication.translate("MailingEditor", "Unsubscribe link"),
                "{{ unsubscribe_url }}",
            ),
        ):
            self._add(text, code)
        if custom:
            self.field_menu.addSection(
                QCoreApplication.translate("MailingEditor", "Fields of the contacts")
            )
            for key in custom:
                self._add(key, f"{{{{ contact.{key} }}}}")

    def _add(self, text: str, code: str) -> None:
        action = QAction(f"{text}    {code}", self.field_menu)
        action.setData(code)
        action.triggered.connect(self._picked)
        self.field_menu.addAction(action)

    @Slot()
    def _picked(self) -> None:
        action = self.sender()
        if isinstance(action, QAction):
            self.chosen.emit(str(action.data()))
