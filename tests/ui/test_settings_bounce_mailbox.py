"""The Deliverability tab's bounce mailbox: Test connection against a real Dovecot,
the certificate checked, the password kept in the keyring on save."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailapp.delivery import credentials
from mailapp.services import settings
from mailapp.ui.services import AppServices
from mailapp.ui.settings.dialog import SettingsDialog
from tests.support.imap_server import PASSWORD, USER, DovecotServer


def _dialog(qtbot, services: AppServices) -> SettingsDialog:
    dialog = SettingsDialog(services)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.loaded is not None, timeout=5000)
    return dialog


def _test(qtbot, dialog: SettingsDialog) -> str:
    section = dialog.deliverability.bounces
    dialog.pages.setCurrentWidget(dialog.deliverability)
    section.test_button.click()
    assert not section.test_button.isEnabled()  # the GUI thread does not wait
    qtbot.waitUntil(lambda: section.test_button.isEnabled(), timeout=20000)
    return section.test_result.text()


@pytest.fixture
def trusted(dovecot: DovecotServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The system trusts the test authority, as it would a real server's."""
    ca = tmp_path / "ca.pem"
    dovecot.ca.cert_pem.write_to_path(str(ca))
    monkeypatch.setenv("SSL_CERT_FILE", str(ca))


def test_test_connection_with_unsaved_values(
    qtbot, services: AppServices, dovecot: DovecotServer, trusted: None
) -> None:
    dovecot.append(b"From: a@example.com\r\nSubject: x\r\n\r\nhello\r\n")
    dialog = _dialog(qtbot, services)
    dialog.edits["BounceMailbox"].setText(dovecot.url(tls=True))
    dialog.deliverability.bounces.password.setText(PASSWORD)
    assert _test(qtbot, dialog) == "Connected: the folder holds 1 message."
    assert dialog.deliverability.bounces.test_result.kind == "ok"
    assert settings.get(services.ctx, "BounceMailbox") == ""  # testing saves nothing
    assert credentials.get_password(USER, dovecot.host, credentials.MAILBOX) is None

    dialog.deliverability.bounces.password.setText("wrong")
    assert _test(qtbot, dialog) == "The server refused the user name or the password."


def test_an_untrusted_certificate_is_refused(
    qtbot, services: AppServices, dovecot: DovecotServer
) -> None:
    dialog = _dialog(qtbot, services)
    dialog.edits["BounceMailbox"].setText(dovecot.url())  # STARTTLS
    dialog.deliverability.bounces.password.setText(PASSWORD)
    text = _test(qtbot, dialog)
    assert text.startswith("The server's certificate cannot be trusted (")
    assert text.endswith("the password was not sent.")


def test_save_keeps_the_mailbox_password_in_the_keyring(
    qtbot, services: AppServices, dovecot: DovecotServer
) -> None:
    dialog = _dialog(qtbot, services)
    dialog.edits["BounceMailbox"].setText(dovecot.url())
    dialog.edits["BounceAddress"].setText("bounces@shop.example.com")
    dialog.deliverability.bounces.password.setText(PASSWORD)
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.save_button.click()
    assert settings.get(services.ctx, "BounceMailbox") == dovecot.url()
    assert credentials.get_password(USER, dovecot.host, credentials.MAILBOX) == PASSWORD


def test_bad_values_say_why_under_their_fields(qtbot, services: AppServices) -> None:
    dialog = _dialog(qtbot, services)
    dialog.edits["BounceMailbox"].setText("pop3://somewhere")
    dialog.edits["BounceAddress"].setText("bounces+x@shop.example.com")
    dialog.save_button.click()
    assert dialog.messages["BounceMailbox"].text().startswith("Write imaps://USER@HOST/FOLDER")
    assert "without “+”" in dialog.messages["BounceAddress"].text()
    assert dialog.pages.currentWidget() is dialog.deliverability
    assert settings.get(services.ctx, "BounceMailbox") == ""


def test_the_section_speaks_russian(qtbot, services: AppServices, russian: None) -> None:
    dialog = _dialog(qtbot, services)
    assert dialog.pages.tabText(dialog.pages.indexOf(dialog.deliverability)) == "Доставляемость"
    dialog.edits["BounceAddress"].setText("bounces+x@shop.example.com")
    dialog.save_button.click()
    assert dialog.messages["BounceAddress"].text() == (
        "Простой латинский адрес без «+», не длиннее 21 символа до @."
    )
