"""The commands on a selection of contacts, each asking first: delete,
unsubscribe or subscribe again, move to a folder.

The ids are taken when the dialog opens, so the count it shows is the
count that changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mailapp.models import Response
from mailapp.ui.common import labels
from mailapp.ui.common.confirm_dialog import ConfirmDialog

if TYPE_CHECKING:
    pass


class DeleteContactsDialog(ConfirmDialog):
    """Says what a delete does to mailings: the recipients already made stay."""

    def __init__(self, count: int, email: str | None, parent: QWidget) -> None:
        super().__init__(parent)
        self.count = count
        self.setIcon(QMessageBox.Icon.Warning)
        self.setWindowTitle(self.tr("Delete contacts"))
        if count == 1 and email:
            self.setText(self.tr("Delete the contact {email}?").format(email=email))
        else:
            self.setText(self.tr("Delete %n contact(s)?", "", count))
        folders = (
            self.tr(
                "The contact leaves its folders and campaigns, so mailings started later "
                "do not reach it. This cannot be undone."
            )
            if count == 1
            else self.tr(
                "The contacts leave their folders and campaigns, so mailings started later "
                "do not reach them. This cannot be undone."
            )
        )
        self.setInformativeText(
            "\n\n".join(
                [
                    self.tr(
                        "Recipients already created in mailings stay and keep their response, "
                        "so the sending analytics stay true; a mailing that is sending still "
                        "sends the emails it has already planned."
                    ),
                    folders,
                ]
            )
        )
        self.set_action(self.tr("Delete contact") if count == 1 else self.tr("Delete contacts"))


class SubscriptionDialog(ConfirmDialog):
    """Unsubscribe, or subscribe again, the selected contacts."""

    def __init__(self, count: int, unsubscribe: bool, parent: QWidget) -> None:
        super().__init__(parent)
        self.count = count
        self.unsubscribe = unsubscribe
        self.setIcon(QMessageBox.Icon.Question)
        if unsubscribe:
            self.setWindowTitle(self.tr("Unsubscribe contacts"))
            self.setText(self.tr("Unsubscribe %n contact(s)?", "", count))
            self.setInformativeText(
                self.tr(
                    "Mailings and campaigns started from now on leave them out "
                    "(“{response}”). Recipients already created in mailings keep their "
                    "response. An import never subscribes them again."
                ).format(response=labels.response_name(Response.CANCELLED_UNSUBSCRIBED))
            )
            self.set_action(self.tr("Unsubscribe"))
        else:
            self.setWindowTitle(self.tr("Subscribe contacts again"))
            self.setText(self.tr("Subscribe %n contact(s) again?", "", count))
            self.setInformativeText(
                self.tr(
                    "Only do this when they asked for it: mailings and campaigns started "
                    "from now on send to them again."
                )
            )
            self.set_action(self.tr("Subscribe again"))


class MoveContactsDialog(QDialog):
    """Choose the folder to move the selected contacts to, and confirm.

    Built like a :class:`~mailapp.ui.mailings.confirm.ConfirmDialog` (window-modal,
    Cancel the default, the action button says the verb, the text gives the
    count, ``confirmed``/``declined`` once when it closes), with the folder
    to choose in it, so the choice and the confirmation are one step.
    """

    #: Move (read :meth:`target`).
    confirmed = Signal()
    declined = Signal()

    def __init__(
        self, count: int, folders: list[str], current: str | None, parent: QWidget
    ) -> None:
        super().__init__(parent)
        self.count = count
        self._current = current
        self._answered = False
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(self.tr("Move contacts"))
        self._text = QLabel(self.tr("Move %n contact(s) to the folder:", "", count))
        self.folder = QComboBox()
        self.folder.setEditable(True)
        self.folder.setToolTip(self.tr("Type a new name to create a folder"))
        others = [f for f in folders if current is None or f.casefold() != current.casefold()]
        self.folder.addItems(others)
        self.folder.setEditText(others[0] if others else "")
        if current is not None:
            info = self.tr(
                "They leave the folder “{folder}” and join the one chosen here; their other "
                "folders stay as they are."
            ).format(folder=current)
        else:
            info = self.tr("They stay in their other folders and also join the one chosen here.")
        self._info = QLabel(info)
        self._info.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.action_button = self.buttons.addButton(
            self.tr("Move"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        assert cancel is not None
        self.cancel_button: QPushButton = cancel
        self.action_button.setAutoDefault(False)
        self.cancel_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self._text)
        layout.addWidget(self.folder)
        layout.addWidget(self._info)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(380)
        self.folder.editTextChanged.connect(self._update)
        self.finished.connect(self._on_finished)
        self._update()

    def text(self) -> str:
        return self._text.text()

    def informativeText(self) -> str:
        return self._info.text()

    def defaultButton(self) -> QPushButton:
        return self.cancel_button

    def target(self) -> str:
        return self.folder.currentText().strip()

    @Slot()
    def _update(self) -> None:
        """Moving needs a name, and one other than the folder they are in."""
        name = self.target()
        same = self._current is not None and name.casefold() == self._current.casefold()
        self.action_button.setEnabled(bool(name) and not same)

    @Slot(int)
    def _on_finished(self, result: int) -> None:
        if self._answered:
            return
        self._answered = True
        if result == QDialog.DialogCode.Accepted and self.action_button.isEnabled():
            self.confirmed.emit()
        else:
            self.declined.emit()
