"""The question the mailing editor asks before unsaved changes are lost."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QMessageBox, QWidget


class DiscardChangesBox(QMessageBox):
    """The question "Discard changes?" before unsaved changes are lost.

    *Keep editing* is the default and the Esc button: a stray Enter or Esc
    must never throw work away; the destructive button says what it does.
    Its texts share the editor's translation context.
    """

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setIcon(QMessageBox.Icon.Warning)
        self.setWindowTitle(QCoreApplication.translate("MailingEditor", "Unsaved changes"))
        self.setText(QCoreApplication.translate("MailingEditor", "Discard changes?"))
        self.setInformativeText(
            QCoreApplication.translate(
                "MailingEditor", "The changes to this mailing have not been saved."
            )
        )
        self.discard_button = self.addButton(
            QCoreApplication.translate("MailingEditor", "Discard changes"),
            QMessageBox.ButtonRole.DestructiveRole,
        )
        self.keep_button = self.addButton(
            QCoreApplication.translate("MailingEditor", "Keep editing"),
            QMessageBox.ButtonRole.RejectRole,
        )
        self.setDefaultButton(self.keep_button)
        self.setEscapeButton(self.keep_button)

    def discarded(self) -> bool:
        return self.clickedButton() is self.discard_button
