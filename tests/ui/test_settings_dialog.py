"""The settings dialog: inline validation, all-or-nothing save, keyring, Test connection."""

from __future__ import annotations

import pytest

from mailapp.delivery.credentials import get_password
from mailapp.delivery.sandbox import bind_loopback
from mailapp.models import Setting
from mailapp.services import settings
from mailapp.services.context import AppContext
from mailapp.ui.services import AppServices
from mailapp.ui.settings.dialog import SettingsDialog
from tests.support.smtp_server import TestSmtpServer


def _dialog(qtbot, services: AppServices) -> SettingsDialog:
    dialog = SettingsDialog(services)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.loaded is not None, timeout=5000)
    return dialog


def _stored(ctx: AppContext) -> dict[str, str]:
    with ctx.db.read() as session:
        return {row.code: row.value for row in session.query(Setting)}


def test_loads_current_values(qtbot, services: AppServices) -> None:
    settings.set_value(services.ctx, "SmtpConnections", "7")
    dialog = _dialog(qtbot, services)
    assert dialog.edits["SmtpConnections"].text() == "7"
    assert dialog.edits["MandrillMailingDelayInSeconds"].text() == "10"
    assert dialog.provider.currentData() == "sandbox"
    assert not dialog.test_button.isEnabled()


@pytest.mark.parametrize(
    ("code", "value", "message"),
    [
        ("MandrillMailingDelayInSeconds", "ten", "whole number"),
        ("MandrillMailingDelayInSeconds", "-1", "at least 0"),
        ("SmtpConnections", "0", "at least 1"),
        ("MaxSendErrors", "1000001", "at most"),
        ("SendRatePerSecond", "1.5", "whole number"),
    ],
)
def test_bad_value_shows_inline_and_saves_nothing(
    qtbot, services: AppServices, code: str, value: str, message: str
) -> None:
    dialog = _dialog(qtbot, services)
    dialog.edits["SoftBounceRetries"].setText("5")  # a good change next to the bad one
    dialog.edits[code].setText(value)
    dialog.save_button.click()
    assert message in dialog.errors[code].text()
    assert dialog.errors[code].isVisibleTo(dialog)
    assert "nothing was saved" in dialog.error.text()
    assert dialog.result() == 0
    qtbot.wait(50)
    assert services.tasks.pending == 0
    assert _stored(services.ctx) == {}


def test_save_stores_all_and_password_in_keyring(qtbot, services: AppServices) -> None:
    dialog = _dialog(qtbot, services)
    dialog.edits["MandrillMailingDelayInSeconds"].setText("30")
    dialog.prevent_duplicates.setChecked(False)
    dialog.provider.setCurrentIndex(dialog.provider.findData("smtp"))
    dialog.edits["SmtpHost"].setText("smtp.example.com")
    dialog.edits["SmtpUser"].setText("marketing")
    dialog.password.setText("s3cret")
    dialog.language.setCurrentIndex(dialog.language.findData("ru"))
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.save_button.click()
    values = settings.values(services.ctx)
    assert values["MandrillMailingDelayInSeconds"] == 30
    assert values["PreventDuplicatesSending"] is False
    assert values["Provider"] == "smtp"
    assert values["Language"] == "ru"
    assert get_password("marketing", "smtp.example.com") == "s3cret"
    assert all("s3cret" not in v for v in _stored(services.ctx).values())


def test_smtp_without_host_is_refused(qtbot, services: AppServices) -> None:
    dialog = _dialog(qtbot, services)
    dialog.provider.setCurrentIndex(dialog.provider.findData("smtp"))
    dialog.save_button.click()
    assert dialog.errors["SmtpHost"].isVisibleTo(dialog)
    assert _stored(services.ctx) == {}


def test_connection_to_a_real_server_succeeds(qtbot, services: AppServices) -> None:
    with TestSmtpServer() as server:
        host, port = server.address
        dialog = _dialog(qtbot, services)
        dialog.provider.setCurrentIndex(dialog.provider.findData("smtp"))
        dialog.edits["SmtpHost"].setText(host)
        dialog.edits["SmtpPort"].setText(str(port))
        dialog.security.setCurrentIndex(dialog.security.findData("none"))
        dialog.test_button.click()
        qtbot.waitUntil(lambda: dialog.test_button.isEnabled(), timeout=10000)
        assert dialog.test_result.text().startswith("Connected")
    assert _stored(services.ctx) == {}  # testing saves nothing


def test_connection_to_a_closed_port_says_refused(qtbot, services: AppServices) -> None:
    sock = bind_loopback()  # bound, never listening: connections are refused
    port = sock.getsockname()[1]
    try:
        dialog = _dialog(qtbot, services)
        dialog.provider.setCurrentIndex(dialog.provider.findData("smtp"))
        dialog.edits["SmtpHost"].setText("127.0.0.1")
        dialog.edits["SmtpPort"].setText(str(port))
        dialog.security.setCurrentIndex(dialog.security.findData("none"))
        dialog.test_button.click()
        qtbot.waitUntil(lambda: dialog.test_button.isEnabled(), timeout=10000)
    finally:
        sock.close()
    assert dialog.test_result.text() == f"Cannot connect to 127.0.0.1:{port}: connection refused"
