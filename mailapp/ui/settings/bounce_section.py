"""The *Bounce mailbox* section of the Deliverability tab, with *Test connection*.

The mailbox link, its password (kept in the system keyring, never shown),
the VERP bounce address, the unsubscribe address and how often the worker
reads the mailbox. *Test connection* logs in with what the fields say now,
saved or not, through the service (:func:`mailapp.services.bounces.check_mailbox`)
in the task runner: the window opens no connection itself and waits for
no server.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QLineEdit, QPushButton

from mailapp.models import Refused
from mailapp.services.bounces import check_mailbox
from mailapp.ui.common.lazy_model import alive
from mailapp.ui.common.tasks import error_text
from mailapp.ui.settings.fields import FieldMessage, SettingsTab


class BounceSection(QObject):
    def __init__(self, tab: SettingsTab) -> None:
        super().__init__(tab)
        self.tab = tab
        self.mailbox = tab.add_text(
            "BounceMailbox",
            self.tr("Mailbox (imaps://user@host/folder):"),
            self.tr("Where bounce reports and complaints arrive; read over IMAP"),
        )
        self.mailbox.setPlaceholderText("imaps://bounces@example.com@imap.example.com/INBOX")
        self.password = QLineEdit()
        self.password.setObjectName("mailboxPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("unchanged"))
        self.password.setToolTip(self.tr("Kept in the system keyring, never in the database"))
        tab.form.addRow(self.tr("Mailbox password:"), self.password)
        tab.add_text(
            "BounceAddress",
            self.tr("Bounce address (VERP):"),
            self.tr("bounces@domain: each message returns to bounces+TOKEN@domain"),
        )
        tab.add_text("UnsubscribeMailbox", self.tr("Unsubscribe address:"))
        tab.add_text("BouncePollSeconds", self.tr("Read the mailbox every, seconds:"))
        self.test_button = QPushButton(self.tr("Test connection"))
        self.test_button.setObjectName("testMailbox")
        self.test_button.clicked.connect(self.test_connection)
        self.test_result = FieldMessage(lines=2)
        self.test_result.setObjectName("mailboxTestResult")
        tab.add_test_row(self.test_button, self.test_result)

    @Slot()
    def test_connection(self) -> None:
        link = self.mailbox.text().strip()
        if not link:
            self.tab.show_problem("BounceMailbox", self.tr("Enter the mailbox to read."))
            return
        password = self.password.text() or None
        ctx = self.tab.services.ctx
        self.test_button.setEnabled(False)
        self.test_result.show_note(self.tr("Connecting…"))
        self.tab.services.tasks.run(
            lambda: check_mailbox(ctx, link, password),
            on_success=self._tested,
            on_failure=self._test_failed,
        )

    def _tested(self, count: int) -> None:
        if not alive(self.tab):
            return
        self.test_button.setEnabled(True)
        self.test_result.show_ok(self.tr("Connected: the folder holds %n message(s).", None, count))

    def _test_failed(self, exc: BaseException) -> None:
        if not alive(self.tab):
            return
        self.test_button.setEnabled(True)
        self.test_result.show_error(self.problem(exc))

    def problem(self, exc: BaseException) -> str:
        """Why the test failed, in the UI language (the English text if unknown)."""
        if not isinstance(exc, Refused):
            return error_text(exc)
        kind, detail = exc.params.get("problem"), str(exc.params.get("detail", ""))
        texts = {
            "certificate": self.tr(
                "The server's certificate cannot be trusted ({detail}); the password was not sent."
            ),
            "tls": self.tr("The secure connection (TLS) failed ({detail})."),
            "connect": self.tr("Cannot connect to the server ({detail}). Check its name and port."),
            "login": self.tr("The server refused the user name or the password."),
            "folder": self.tr("There is no folder “{detail}” in this mailbox."),
            "server": self.tr("The server answered: {detail}"),
        }
        if exc.code == "bounce_password_missing":
            return self.tr("No password is saved for this mailbox: enter it.")
        text = texts.get(str(kind)) if exc.code == "bounce_mailbox_error" else None
        return text.format(detail=detail) if text is not None else error_text(exc)
