"""Send one test email of a mailing to an address the marketer types.

The email goes through the configured provider off the GUI thread; the
result (the Message-ID, or the exact reason it was not taken) is shown in
the dialog. Nothing about the mailing changes.

*Send* is the default button: a marketer types an address and presses
Enter, then again after changing the template. The dialog stays open so
the result can be read; Esc or *Close* ends it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from mailapp.services.provider import ProviderSession
from mailapp.services.test_email import send_test
from mailapp.ui.common.lazy_model import alive
from mailapp.ui.common.tasks import error_text

if TYPE_CHECKING:
    from mailapp.ui.services import AppServices


class TestEmailDialog(QDialog):
    """``TestEmailDialog(services, mailing_id, parent)``."""

    __test__ = False  # not a pytest test class

    def __init__(
        self, services: AppServices, mailing_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._services = services
        self.mailing_id = mailing_id
        self.message_id: str | None = None
        self.setWindowTitle(self.tr("Send test email"))
        self.address = QLineEdit()
        self.address.setPlaceholderText(self.tr("you@example.com"))
        self.result = QLabel()
        self.result.setObjectName("testEmailResult")
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.send_button = self.buttons.addButton(
            self.tr("Send"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.accepted.connect(self.send)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("Send to:"), self.address)
        hint = QLabel(
            self.tr(
                "The saved version of the mailing is sent, personalised for the first "
                "contact of its audience. It is not counted as a recipient."
            )
        )
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addLayout(form)
        layout.addWidget(self.result)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)
        # Only now is the button inside the dialog: made default before, the
        # dialog never learns it, and the first focus change takes it away,
        # so Enter in the address field would do nothing.
        self.send_button.setDefault(True)

    @Slot()
    def send(self) -> None:
        ctx, mailing_id, to = self._services.ctx, self.mailing_id, self.address.text()

        def work() -> str:
            # The window sends nothing else: a session of its own, for this one.
            provider = ProviderSession(ctx)
            try:
                return send_test(ctx, mailing_id, to, provider)
            finally:
                provider.close()

        self.send_button.setEnabled(False)
        self.result.setStyleSheet("")
        self.result.setText(self.tr("Sending…"))
        self.result.show()
        self._services.tasks.run(work, on_success=self._sent, on_failure=self._failed)

    def _sent(self, message_id: str) -> None:
        if alive(self):
            self.message_id = message_id
            self.send_button.setEnabled(True)
            self.result.setStyleSheet("color: #1e8449;")
            self.result.setText(
                self.tr("The test email was handed over. Message-ID: {id}").format(id=message_id)
            )

    def _failed(self, exc: BaseException) -> None:
        if alive(self):
            self.send_button.setEnabled(True)
            self.result.setStyleSheet("color: #c0392b;")
            self.result.setText(error_text(exc))
