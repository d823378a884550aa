"""System settings: sending rules, the provider and the interface language.

Values are checked with the same definitions the services use
(:data:`mailapp.models.settings.SETTINGS`); a bad value shows its message
under its field and nothing is saved. Saving stores every setting in one
transaction; the SMTP password goes to the system keyring, never to the
database. Loading, saving and *Test connection* run off the GUI thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mailapp.delivery.credentials import get_password, set_password
from mailapp.delivery.smtp import SmtpConfig, SmtpConnection
from mailapp.models import Refused
from mailapp.models.settings import SETTINGS
from mailapp.services import settings as settings_service
from mailapp.ui.common.lazy_model import alive
from mailapp.ui.common.tasks import error_text

if TYPE_CHECKING:
    from mailapp.ui.services import AppServices

ERROR_STYLE = "color: #c0392b;"
OK_STYLE = "color: #1e8449;"

#: Settings typed as text, in the order shown.
TEXT_SETTINGS = (
    "MandrillMailingDelayInSeconds",
    "SendRatePerSecond",
    "SandboxRatePerSecond",
    "SmtpConnections",
    "MaxSendErrors",
    "SoftBounceRetries",
    "RetryDelaySeconds",
    "UnsubscribeUrl",
    "SmtpHost",
    "SmtpPort",
    "SmtpUser",
)


def check_connection(config: SmtpConfig) -> None:
    """Open a connection (and log in) and close it; raises the exact error."""
    connection = SmtpConnection(config)
    try:
        connection.open()
    finally:
        connection.close()


class SettingsDialog(QDialog):
    """``SettingsDialog(services, parent)``."""

    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self.setWindowTitle(self.tr("Settings"))
        self.loaded: dict[str, Any] | None = None
        self.edits: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}

        sending = QGroupBox(self.tr("Sending"))
        sending_form = QFormLayout(sending)
        self._add_text(
            sending_form,
            "MandrillMailingDelayInSeconds",
            self.tr("Delay before sending starts, seconds:"),
        )
        self.prevent_duplicates = QCheckBox(
            self.tr("Send one email per address (later duplicates are cancelled)")
        )
        sending_form.addRow("", self.prevent_duplicates)
        self._add_text(
            sending_form, "SendRatePerSecond", self.tr("At most emails a second (0 = no limit):")
        )
        self._add_text(sending_form, "SmtpConnections", self.tr("Parallel connections:"))
        self._add_text(
            sending_form, "MaxSendErrors", self.tr("Errors in a row before “Sending error”:")
        )
        self._add_text(
            sending_form, "SoftBounceRetries", self.tr("Retries of a temporary failure:")
        )
        self._add_text(
            sending_form, "RetryDelaySeconds", self.tr("First wait before a retry, seconds:")
        )
        self._add_text(
            sending_form, "UnsubscribeUrl", self.tr("Unsubscribe link ({email} is replaced):")
        )

        provider = QGroupBox(self.tr("Mail provider"))
        provider_form = QFormLayout(provider)
        self.provider = QComboBox()
        self.provider.addItem(self.tr("Sandbox (kept in the outbox, nothing is sent)"), "sandbox")
        self.provider.addItem(self.tr("SMTP server"), "smtp")
        self.provider.currentIndexChanged.connect(self._provider_changed)
        provider_form.addRow(self.tr("Provider:"), self.provider)
        self._add_text(
            provider_form,
            "SandboxRatePerSecond",
            self.tr("Sandbox accepts emails a second (0 = no limit):"),
        )
        self._add_text(provider_form, "SmtpHost", self.tr("Server:"))
        self._add_text(provider_form, "SmtpPort", self.tr("Port:"))
        self.security = QComboBox()
        self.security.addItem(self.tr("STARTTLS"), "starttls")
        self.security.addItem(self.tr("TLS"), "tls")
        self.security.addItem(self.tr("None (unencrypted)"), "none")
        provider_form.addRow(self.tr("Security:"), self.security)
        self._add_text(provider_form, "SmtpUser", self.tr("User name:"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("unchanged"))
        self.password.setToolTip(self.tr("Kept in the system keyring, never in the database"))
        provider_form.addRow(self.tr("Password:"), self.password)
        self.test_button = QPushButton(self.tr("Test connection"))
        self.test_button.clicked.connect(self.test_connection)
        self.test_result = QLabel()
        self.test_result.setWordWrap(True)
        self.test_result.setObjectName("testResult")
        self.test_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.test_result, 1)
        provider_form.addRow("", test_row)
        self._smtp_widgets: list[QWidget] = [
            self.edits["SmtpHost"],
            self.edits["SmtpPort"],
            self.security,
            self.edits["SmtpUser"],
            self.password,
            self.test_button,
        ]

        interface = QGroupBox(self.tr("Interface"))
        interface_form = QFormLayout(interface)
        self.language = QComboBox()
        self.language.addItem(self.tr("System language"), "system")
        self.language.addItem("English", "en")
        self.language.addItem("Русский", "ru")
        interface_form.addRow(self.tr("Language:"), self.language)

        self.error = QLabel()
        self.error.setObjectName("settingsError")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setEnabled(False)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        columns = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(sending)
        left.addWidget(interface)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(provider)
        right.addStretch(1)
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(columns)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self._provider_changed()
        self.load()

    def _add_text(self, form: QFormLayout, code: str, label: str) -> None:
        edit = QLineEdit()
        edit.setObjectName(code)
        edit.setToolTip(SETTINGS[code].description)
        edit.textChanged.connect(self._clear_error)
        error = QLabel()
        error.setStyleSheet(ERROR_STYLE)
        error.setWordWrap(True)
        error.hide()
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(1)
        column.addWidget(edit)
        column.addWidget(error)
        form.addRow(label, box)
        self.edits[code] = edit
        self.errors[code] = error

    # -- loading --------------------------------------------------------------

    def load(self) -> None:
        ctx = self._services.ctx
        self._services.tasks.run(
            lambda: settings_service.values(ctx), on_success=self._loaded, on_failure=self._failed
        )

    def _loaded(self, values: dict[str, Any]) -> None:
        if not alive(self):
            return
        self.loaded = values
        for code, edit in self.edits.items():
            edit.setText(SETTINGS[code].format(values[code]))
        self.prevent_duplicates.setChecked(bool(values["PreventDuplicatesSending"]))
        self._choose(self.provider, values["Provider"])
        self._choose(self.security, values["SmtpSecurity"])
        self._choose(self.language, values["Language"])
        self.save_button.setEnabled(True)

    @staticmethod
    def _choose(combo: QComboBox, value: object) -> None:
        combo.setCurrentIndex(max(combo.findData(value), 0))

    def _failed(self, exc: BaseException) -> None:
        if alive(self):
            self.save_button.setEnabled(self.loaded is not None)
            self.error.setText(error_text(exc))
            self.error.show()

    # -- checking ---------------------------------------------------------------

    @Slot()
    def _provider_changed(self) -> None:
        smtp = self.provider.currentData() == "smtp"
        for widget in self._smtp_widgets:
            widget.setEnabled(smtp)

    @Slot()
    def _clear_error(self) -> None:
        edit = self.sender()
        if isinstance(edit, QLineEdit) and edit.objectName() in self.errors:
            self.errors[edit.objectName()].hide()
        self.error.hide()

    def changes(self) -> dict[str, str]:
        """Every setting as text, the way ``settings set`` takes it."""
        values = {code: edit.text() for code, edit in self.edits.items()}
        values["PreventDuplicatesSending"] = (
            "true" if self.prevent_duplicates.isChecked() else "false"
        )
        values["Provider"] = str(self.provider.currentData())
        values["SmtpSecurity"] = str(self.security.currentData())
        values["Language"] = str(self.language.currentData())
        return values

    def setting_message(self, code: str, exc: Refused) -> str:
        """The refusal of a value in the UI language."""
        definition = SETTINGS[code]
        if exc.code == "setting_not_int":
            return self.tr("Enter a whole number.")
        if exc.code == "setting_too_small":
            return self.tr("Must be at least {n}.").format(n=definition.minimum)
        if exc.code == "setting_too_large":
            return self.tr("Must be at most {n}.").format(n=definition.maximum)
        if exc.code == "setting_control":
            return self.tr("Line breaks are not allowed here.")
        return exc.message

    def check(self) -> dict[str, Any] | None:
        """The parsed values, or None after showing every problem inline."""
        parsed: dict[str, Any] = {}
        bad = False
        for code, raw in self.changes().items():
            try:
                parsed[code] = SETTINGS[code].parse(raw)
            except Refused as exc:
                bad = True
                if code in self.errors:
                    self.errors[code].setText(self.setting_message(code, exc))
                    self.errors[code].show()
        if not bad and parsed["Provider"] == "smtp" and not parsed["SmtpHost"]:
            self.errors["SmtpHost"].setText(self.tr("Enter the SMTP server to send through."))
            self.errors["SmtpHost"].show()
            bad = True
        if bad:
            self.error.setText(self.tr("Correct the values marked in red; nothing was saved."))
            self.error.show()
            return None
        return parsed

    # -- saving -------------------------------------------------------------------

    @Slot()
    def save(self) -> None:
        parsed = self.check()
        if parsed is None:
            return
        ctx = self._services.ctx
        changes = self.changes()
        password = self.password.text()
        user, host = parsed["SmtpUser"], parsed["SmtpHost"]

        def work() -> None:
            if password:
                set_password(user, host, password)  # first: a keyring failure saves nothing
            settings_service.set_many(ctx, changes)

        self.save_button.setEnabled(False)
        self._services.tasks.run_write(work, on_success=self._saved, on_failure=self._save_failed)

    def _saved(self, _value: object) -> None:
        if alive(self):
            self.accept()

    def _save_failed(self, exc: BaseException) -> None:
        if alive(self):
            self.save_button.setEnabled(True)
            self.error.setText(self.tr("Nothing was saved: {error}").format(error=error_text(exc)))
            self.error.show()

    # -- test connection -------------------------------------------------------------

    def smtp_config(self) -> SmtpConfig | None:
        """The SMTP settings of the form, or None after showing what is wrong."""
        host = self.edits["SmtpHost"].text().strip()
        try:
            port = SETTINGS["SmtpPort"].parse(self.edits["SmtpPort"].text())
        except Refused as exc:
            self.errors["SmtpPort"].setText(self.setting_message("SmtpPort", exc))
            self.errors["SmtpPort"].show()
            return None
        if not host:
            self.errors["SmtpHost"].setText(self.tr("Enter the SMTP server to send through."))
            self.errors["SmtpHost"].show()
            return None
        return SmtpConfig(
            host=host,
            port=port,
            security=self.security.currentData(),
            user=self.edits["SmtpUser"].text().strip(),
            password=self.password.text() or None,
            timeout=10,
        )

    @Slot()
    def test_connection(self) -> None:
        config = self.smtp_config()
        if config is None:
            return
        self.test_button.setEnabled(False)
        self.test_result.setStyleSheet("")
        self.test_result.setText(
            self.tr("Connecting to {host}:{port}…").format(host=config.host, port=config.port)
        )

        def work() -> None:
            cfg = config
            if cfg.user and cfg.password is None:
                stored = get_password(cfg.user, cfg.host)
                cfg = SmtpConfig(
                    host=cfg.host,
                    port=cfg.port,
                    security=cfg.security,
                    user=cfg.user,
                    password=stored,
                    timeout=cfg.timeout,
                )
            check_connection(cfg)

        self._services.tasks.run(work, on_success=self._tested, on_failure=self._test_failed)

    def _tested(self, _value: object) -> None:
        if alive(self):
            self.test_button.setEnabled(True)
            self.test_result.setStyleSheet(OK_STYLE)
            self.test_result.setText(self.tr("Connected: the server accepts the settings."))

    def _test_failed(self, exc: BaseException) -> None:
        if alive(self):
            self.test_button.setEnabled(True)
            self.test_result.setStyleSheet(ERROR_STYLE)
            self.test_result.setText(error_text(exc))
