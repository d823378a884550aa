"""The settings tab *Mail provider*: the sandbox or an SMTP server, and *Test connection*.

The test runs in the task runner through the service
(:func:`mailapp.services.smtp_account.check_connection`): the window never
opens a connection itself, and it waits for no server.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QComboBox, QLineEdit, QPushButton, QWidget

from mailapp.models import Refused
from mailapp.models.settings import SETTINGS
from mailapp.services.smtp_account import ConnectionCheck, check_connection
from mailapp.ui.common.lazy_model import alive
from mailapp.ui.common.tasks import error_text
from mailapp.ui.settings.fields import FieldMessage, SettingsTab, choose, setting_problem

if TYPE_CHECKING:
    from mailapp.ui.services import AppServices


class ProviderTab(SettingsTab):
    """Where the mail goes; the SMTP fields are enabled for an SMTP server only."""

    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self.setWindowTitle(self.tr("Mail provider"))  # the tab's name
        self.provider = QComboBox()
        self.provider.addItem(self.tr("Sandbox (kept in the outbox, nothing is sent)"), "sandbox")
        self.provider.addItem(self.tr("SMTP server"), "smtp")
        self.provider.currentIndexChanged.connect(self._provider_changed)
        self.form.addRow(self.tr("Provider:"), self.provider)
        self.add_text(
            "SandboxRatePerSecond", self.tr("Sandbox accepts emails a second (0 = no limit):")
        )
        self.add_text("SmtpHost", self.tr("Server:"))
        self.add_text("SmtpPort", self.tr("Port:"))
        self.security = QComboBox()
        self.security.addItem(self.tr("STARTTLS"), "starttls")
        self.security.addItem(self.tr("TLS"), "tls")
        self.security.addItem(self.tr("None (unencrypted)"), "none")
        self.form.addRow(self.tr("Security:"), self.security)
        self.add_text("SmtpUser", self.tr("User name:"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("unchanged"))
        self.password.setToolTip(self.tr("Kept in the system keyring, never in the database"))
        self.form.addRow(self.tr("Password:"), self.password)
        self.test_button = QPushButton(self.tr("Test connection"))
        self.test_button.clicked.connect(self.test_connection)
        self.test_result = FieldMessage(lines=3)
        self.test_result.setObjectName("testResult")
        self.add_test_row(self.test_button, self.test_result)
        self._smtp_widgets: list[QWidget] = [
            self.edits["SmtpHost"],
            self.edits["SmtpPort"],
            self.security,
            self.edits["SmtpUser"],
            self.password,
            self.test_button,
        ]
        self._provider_changed()

    @Slot()
    def _provider_changed(self) -> None:
        smtp = self.provider.currentData() == "smtp"
        for widget in self._smtp_widgets:
            widget.setEnabled(smtp)

    def load(self, values: dict[str, Any]) -> None:
        super().load(values)
        choose(self.provider, values["Provider"])
        choose(self.security, values["SmtpSecurity"])

    def changes(self) -> dict[str, str]:
        changes = super().changes()
        changes["Provider"] = str(self.provider.currentData())
        changes["SmtpSecurity"] = str(self.security.currentData())
        return changes

    def check(self, parsed: dict[str, Any]) -> bool:
        if parsed["Provider"] == "smtp" and not parsed["SmtpHost"]:
            self.show_problem("SmtpHost", self.tr("Enter the SMTP server to send through."))
            return False
        return True

    # -- test connection ------------------------------------------------------------

    @Slot()
    def test_connection(self) -> None:
        host = self.edits["SmtpHost"].text().strip()
        try:
            port = SETTINGS["SmtpPort"].parse(self.edits["SmtpPort"].text())
        except Refused as exc:
            self.show_problem("SmtpPort", setting_problem(exc))
            return
        if not host:
            self.show_problem("SmtpHost", self.tr("Enter the SMTP server to send through."))
            return
        security = str(self.security.currentData())
        user = self.edits["SmtpUser"].text().strip()
        password = self.password.text() or None
        self.test_button.setEnabled(False)
        self.test_result.show_note(
            self.tr("Connecting to {host}:{port}…").format(host=host, port=port)
        )
        self.services.tasks.run(
            lambda: check_connection(host, port, security, user, password),
            on_success=self._tested,
            on_failure=self._test_failed,
        )

    def _tested(self, result: ConnectionCheck) -> None:
        if not alive(self):
            return
        self.test_button.setEnabled(self.provider.currentData() == "smtp")
        if result.ok:
            self.test_result.show_ok(self.tr("Connected: the server accepts the settings."))
        else:
            self.test_result.show_error(self.connection_problem(result))

    def _test_failed(self, exc: BaseException) -> None:
        if alive(self):
            self.test_button.setEnabled(self.provider.currentData() == "smtp")
            self.test_result.show_error(error_text(exc))

    def connection_problem(self, result: ConnectionCheck) -> str:
        """Why the test failed, in the UI language (the English text if unknown)."""
        texts = {
            "refused": self.tr(
                "{where}: the connection was refused. Check the server name and the port."
            ),
            "host_not_found": self.tr("{where}: there is no such server. Check its name."),
            "timeout": self.tr("{where}: no answer within {detail} s."),
            "certificate": self.tr(
                "{where}: the server's certificate could not be verified ({detail}). "
                "Check the server name."
            ),
            "tls": self.tr(
                "{where}: the secure connection (TLS) failed ({detail}). "
                "Check the security setting and the port."
            ),
            "no_starttls": self.tr(
                "{where}: the server does not offer STARTTLS. "
                "Choose another security setting or port."
            ),
            "session_refused": self.tr("{where}: the server refused the session ({detail})."),
            "closed": self.tr("{where}: the server closed the connection."),
            "reply": self.tr("{where}: the server answered {detail}."),
            "login_refused": self.tr(
                "The server refused the user name or the password ({detail})."
            ),
            "no_password": self.tr("No password is saved for this user: enter it."),
            "login_unsupported": self.tr(
                "The server does not offer a login on this connection; "
                "most servers need STARTTLS or TLS."
            ),
            "keyring": self.tr("The saved password cannot be read: {detail}"),
        }
        text = texts.get(result.problem)
        if text is None:
            return result.message
        where = self.tr("Cannot connect to {host}:{port}").format(
            host=result.host, port=result.port
        )
        return text.format(where=where, detail=result.detail)
