"""A question with one action button and Cancel, answered without blocking.

Every confirmation of the window (start, stop, delete, unsubscribe) is one
of these: window-modal but opened with ``open()``, never ``exec()``, so the
tables behind it keep updating; Cancel is the default and Esc's button.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget


class ConfirmDialog(QMessageBox):
    """A window-modal question with one action button and Cancel (default).

    ``confirmed`` or ``declined`` is emitted once, when the dialog closes.
    """

    confirmed = Signal()
    declined = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.action_button: QPushButton | None = None
        self.finished.connect(self._on_finished)

    def set_action(self, verb: str) -> None:
        self.action_button = self.addButton(verb, QMessageBox.ButtonRole.AcceptRole)
        self.cancel_button = self.addButton(QMessageBox.StandardButton.Cancel)
        self.setDefaultButton(self.cancel_button)
        self.setEscapeButton(self.cancel_button)

    @Slot(int)
    def _on_finished(self, _result: int) -> None:
        if self.action_button is not None and self.clickedButton() is self.action_button:
            self.confirmed.emit()
        else:
            self.declined.emit()
