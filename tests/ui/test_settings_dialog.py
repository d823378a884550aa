"""The settings dialog: inline validation that moves nothing, all-or-nothing save,
the keyring, the zero-delay warning, its size, and Test connection through the service."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QWidget

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


def _use_smtp(dialog: SettingsDialog, host: str, port: int, user: str = "") -> None:
    tab = dialog.provider_tab
    tab.provider.setCurrentIndex(tab.provider.findData("smtp"))
    dialog.edits["SmtpHost"].setText(host)
    dialog.edits["SmtpPort"].setText(str(port))
    dialog.edits["SmtpUser"].setText(user)
    tab.security.setCurrentIndex(tab.security.findData("none"))


def _test_connection(qtbot, dialog: SettingsDialog) -> str:
    tab = dialog.provider_tab
    dialog.pages.setCurrentWidget(tab)
    tab.test_button.click()
    assert not tab.test_button.isEnabled()  # the GUI thread does not wait for the server
    qtbot.waitUntil(lambda: tab.test_button.isEnabled(), timeout=15000)
    return tab.test_result.text()


def test_loads_current_values(qtbot, services: AppServices) -> None:
    settings.set_value(services.ctx, "SmtpConnections", "7")
    dialog = _dialog(qtbot, services)
    assert dialog.edits["SmtpConnections"].text() == "7"
    assert dialog.edits["MandrillMailingDelayInSeconds"].text() == "10"
    assert dialog.provider_tab.provider.currentData() == "sandbox"
    assert not dialog.provider_tab.test_button.isEnabled()
    assert all(message.text() == "" for message in dialog.messages.values())


@pytest.mark.parametrize(
    ("code", "value", "message"),
    [
        ("MandrillMailingDelayInSeconds", "ten", "whole number"),
        ("MandrillMailingDelayInSeconds", "-1", "at least 0"),
        ("SmtpConnections", "0", "at least 1"),
        ("MaxSendErrors", "1000001", "at most"),
        ("SendRatePerSecond", "1.5", "whole number"),
        ("UnsubscribeUrl", "unsubscribe me", "Start the link with https://, http:// or mailto:"),
        ("UnsubscribeUrl", "https://shop.example.com/un subscribe", "No spaces"),
        ("UnsubscribeUrl", "https://shop.example.com/u?" + "a" * 880, "longer than 900 char"),
    ],
)
def test_bad_value_shows_inline_and_saves_nothing(
    qtbot, services: AppServices, code: str, value: str, message: str
) -> None:
    dialog = _dialog(qtbot, services)
    dialog.edits["SoftBounceRetries"].setText("5")  # a good change next to the bad one
    dialog.edits[code].setText(value)
    dialog.save_button.click()
    assert message in dialog.messages[code].text()
    assert dialog.messages[code].kind == "error"
    assert dialog.pages.currentWidget().isAncestorOf(dialog.edits[code])  # its tab is shown
    assert "nothing was saved" in dialog.error.text()
    assert dialog.result() == 0
    qtbot.wait(50)
    assert services.tasks.pending == 0
    assert _stored(services.ctx) == {}


def test_a_bad_unsubscribe_link_says_why_in_russian(
    qtbot, services: AppServices, russian: None
) -> None:
    """Reported: "unsubscribe me" was refused in English text, whatever the language."""
    dialog = _dialog(qtbot, services)
    dialog.edits["UnsubscribeUrl"].setText("unsubscribe me")
    dialog.save_button.click()
    text = dialog.messages["UnsubscribeUrl"].text()
    assert text == (
        "Ссылка должна начинаться с https://, http:// или mailto: — или оставьте поле пустым."
    )
    assert dialog.error.text() == "Исправьте значения, отмеченные красным; ничего не сохранено."
    assert _stored(services.ctx) == {}


def test_a_good_link_saves(qtbot, services: AppServices) -> None:
    dialog = _dialog(qtbot, services)
    dialog.edits["UnsubscribeUrl"].setText("https://shop.example.com/u?e={email}")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.save_button.click()
    assert settings.load(services.ctx).unsubscribe_url == "https://shop.example.com/u?e={email}"


def _geometries(dialog: SettingsDialog) -> dict[str, QRect]:
    def place(widget: QWidget) -> QRect:
        return QRect(widget.mapTo(dialog, widget.rect().topLeft()), widget.size())

    found = {code: place(edit) for code, edit in dialog.edits.items()}
    found["save"] = place(dialog.save_button)
    found["dialog"] = QRect(0, 0, dialog.width(), dialog.height())
    return found


def _all_tabs(dialog: SettingsDialog, qtbot) -> dict[str, QRect]:
    found: dict[str, QRect] = {}
    for index in range(dialog.pages.count()):
        dialog.pages.setCurrentIndex(index)
        qtbot.wait(20)
        found.update(
            {
                code: rect
                for code, rect in _geometries(dialog).items()
                if code not in dialog.edits or dialog.edits[code].isVisible()
            }
        )
    return found


def test_fields_stay_still_when_errors_show(qtbot, services: AppServices) -> None:
    """Reported: error labels appeared between fields and pushed them under the pointer."""
    dialog = _dialog(qtbot, services)
    dialog.show()
    qtbot.waitExposed(dialog)
    before = _all_tabs(dialog, qtbot)
    for code in dialog.edits:
        dialog.edits[code].setText("")  # empty numbers, hosts, links...
    dialog.edits["UnsubscribeUrl"].setText("unsubscribe me")
    dialog.edits["MandrillMailingDelayInSeconds"].setText("0")  # a warning too
    dialog.provider_tab.provider.setCurrentIndex(1)
    dialog.save_button.click()
    shown = [m for m in dialog.messages.values() if m.text()]
    assert len(shown) >= 8
    assert dialog.error.text()
    assert _all_tabs(dialog, qtbot) == before


def test_zero_delay_warns_that_pausing_is_impossible_and_still_saves(
    qtbot, services: AppServices
) -> None:
    dialog = _dialog(qtbot, services)
    delay = dialog.messages["MandrillMailingDelayInSeconds"]
    dialog.edits["MandrillMailingDelayInSeconds"].setText("0")
    assert delay.kind == "warning"
    assert "cannot be paused" in delay.text()
    dialog.edits["MandrillMailingDelayInSeconds"].setText("5")
    assert delay.text() == ""
    dialog.edits["MandrillMailingDelayInSeconds"].setText("0")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.save_button.click()
    assert settings.load(services.ctx).delay_seconds == 0


def test_zero_delay_loaded_from_the_database_warns(qtbot, services: AppServices) -> None:
    settings.set_value(services.ctx, "MandrillMailingDelayInSeconds", "0")
    dialog = _dialog(qtbot, services)
    assert dialog.messages["MandrillMailingDelayInSeconds"].kind == "warning"


def test_the_dialog_fits_a_small_laptop_screen(qtbot, services: AppServices, language: str) -> None:
    """Reported: 1,471 px wide in Russian, wider than a 1280×800 screen."""
    dialog = _dialog(qtbot, services)
    hint = dialog.sizeHint()
    assert hint.width() <= 1000, hint
    assert hint.height() <= 640, hint
    assert dialog.minimumSizeHint().width() <= 880  # fits beside the window's minimum size


def test_save_stores_all_and_password_in_keyring(qtbot, services: AppServices) -> None:
    dialog = _dialog(qtbot, services)
    dialog.edits["MandrillMailingDelayInSeconds"].setText("30")
    dialog.sending.prevent_duplicates.setChecked(False)
    _use_smtp(dialog, "smtp.example.com", 587, "marketing")
    dialog.provider_tab.password.setText("s3cret")
    dialog.interface.language.setCurrentIndex(dialog.interface.language.findData("ru"))
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
    tab = dialog.provider_tab
    tab.provider.setCurrentIndex(tab.provider.findData("smtp"))
    dialog.save_button.click()
    assert dialog.messages["SmtpHost"].text() == "Enter the SMTP server to send through."
    assert dialog.pages.currentWidget() is tab
    assert _stored(services.ctx) == {}


def test_the_dialog_opens_no_connection_itself() -> None:
    """The window reaches SMTP only through a service."""
    import ast

    import mailapp.ui

    for path in Path(mailapp.ui.__file__).parent.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith(("mailapp.delivery.smtp", "smtplib")), path
            if isinstance(node, ast.Import):
                assert all(a.name != "smtplib" for a in node.names), path


def test_connection_to_a_real_server_succeeds(qtbot, services: AppServices) -> None:
    with TestSmtpServer() as server:
        dialog = _dialog(qtbot, services)
        _use_smtp(dialog, *server.address)
        assert _test_connection(qtbot, dialog) == "Connected: the server accepts the settings."
        assert dialog.provider_tab.test_result.kind == "ok"
        assert server.received == []
    assert _stored(services.ctx) == {}  # testing saves nothing


def test_a_refused_login_says_so(qtbot, services: AppServices) -> None:
    with TestSmtpServer() as server:
        server.require_auth("marketing", "s3cret")
        dialog = _dialog(qtbot, services)
        _use_smtp(dialog, *server.address, user="marketing")
        dialog.provider_tab.password.setText("wrong")
        text = _test_connection(qtbot, dialog)
        assert text.startswith("The server refused the user name or the password (535")
        assert dialog.provider_tab.test_result.kind == "error"
        dialog.provider_tab.password.setText("s3cret")
        assert _test_connection(qtbot, dialog).startswith("Connected")
    assert get_password("marketing", server.address[0]) is None  # a test keeps no password


def test_a_login_without_a_saved_password_asks_for_it(qtbot, services: AppServices) -> None:
    with TestSmtpServer() as server:
        server.require_auth("marketing", "s3cret")
        dialog = _dialog(qtbot, services)
        _use_smtp(dialog, *server.address, user="marketing")
        assert _test_connection(qtbot, dialog) == "No password is saved for this user: enter it."


REFUSED = {
    "en": "Cannot connect to 127.0.0.1:{port}: the connection was refused. "
    "Check the server name and the port.",
    "ru": "Не удаётся подключиться к 127.0.0.1:{port}: соединение отклонено. "
    "Проверьте имя сервера и порт.",
}


def test_connection_to_a_closed_port_says_refused(
    qtbot, services: AppServices, language: str
) -> None:
    sock = bind_loopback()  # bound, never listening: connections are refused
    port = sock.getsockname()[1]
    try:
        dialog = _dialog(qtbot, services)
        _use_smtp(dialog, "127.0.0.1", port)
        text = _test_connection(qtbot, dialog)
    finally:
        sock.close()
    assert text == REFUSED[language].format(port=port)
