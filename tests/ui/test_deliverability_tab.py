"""The Deliverability tab: a DKIM key created, its record copied and checked
against a DNS server on loopback, and what the unsubscribe link allows."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import dns.resolver
import pytest
from PySide6.QtGui import QGuiApplication

from mailapp.services import settings
from mailapp.ui.services import AppServices
from mailapp.ui.settings.deliverability_tab import DeliverabilityTab
from mailapp.ui.settings.dialog import SettingsDialog
from tests.support.dns_server import LocalDnsServer


@pytest.fixture
def dialog(qtbot, services: AppServices) -> Iterator[SettingsDialog]:
    shown = SettingsDialog(services)
    qtbot.addWidget(shown)
    qtbot.waitUntil(lambda: shown.loaded is not None, timeout=5000)
    shown.show()
    yield shown


def _tab(dialog: SettingsDialog) -> DeliverabilityTab:
    tab = next(t for t in dialog.tabs if isinstance(t, DeliverabilityTab))
    dialog.pages.setCurrentWidget(tab)
    return tab


def _create(qtbot, tab: DeliverabilityTab) -> None:
    tab.edits["DkimDomain"].setText("shop.example.com")
    tab.edits["DkimSelector"].setText("mail")
    tab.create_button.click()
    qtbot.waitUntil(lambda: tab.dkim_status.kind in ("ok", "error"), timeout=20000)
    assert tab.dkim_status.kind == "ok", tab.dkim_status.text()


def test_create_key_shows_the_record_to_copy(
    qtbot, dialog: SettingsDialog, services: AppServices, isolated_home: Path
) -> None:
    tab = _tab(dialog)
    qtbot.waitUntil(lambda: "not signed" in tab.dkim_status.text(), timeout=5000)
    assert not tab.copy_button.isEnabled() and not tab.check_button.isEnabled()
    _create(qtbot, tab)

    assert tab.record_name.text() == "mail._domainkey.shop.example.com"
    assert tab.record_value.text().startswith("v=DKIM1; k=rsa; p=MII")
    key = Path(tab.edits["DkimKeyFile"].text())
    assert key.parent == isolated_home / "dkim"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert settings.get(services.ctx, "DkimSelector") == "mail"
    tab.copy_button.click()
    assert QGuiApplication.clipboard().text() == tab.record_value.text()

    # Opened again, the tab shows the record of the key in use.
    again = SettingsDialog(services)
    qtbot.addWidget(again)
    other = _tab(again)
    qtbot.waitUntil(lambda: other.record_value.text() == tab.record_value.text(), timeout=5000)


def test_a_second_key_for_the_same_selector_says_why_not(qtbot, dialog: SettingsDialog) -> None:
    tab = _tab(dialog)
    _create(qtbot, tab)
    tab.create_button.click()
    qtbot.waitUntil(lambda: tab.dkim_status.kind == "error", timeout=20000)
    assert "exists already" in tab.dkim_status.text()
    tab.edits["DkimDomain"].setText("")
    tab.create_button.click()
    assert "Enter the signing domain" in tab.dkim_status.text()


@pytest.mark.parametrize(
    ("published", "kind", "says"),
    [
        ("ours", "ok", "matches this key"),
        ("other", "error", "another key"),
        ("none", "warning", "Not published yet"),
    ],
)
def test_check_dns_against_a_local_server(
    qtbot,
    dialog: SettingsDialog,
    monkeypatch: pytest.MonkeyPatch,
    published: str,
    kind: str,
    says: str,
) -> None:
    tab = _tab(dialog)
    _create(qtbot, tab)
    assert tab.record is not None
    records = {
        "ours": {tab.record.name: [tab.record.record]},
        "other": {tab.record.name: ["v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgold"]},
        "none": {"shop.example.com": ["v=spf1 -all"]},
    }[published]
    with LocalDnsServer(records) as server:
        resolver = server.resolver()
        monkeypatch.setattr(dns.resolver, "Resolver", lambda: resolver)
        tab.check_button.click()
        qtbot.waitUntil(lambda: tab.dkim_status.kind == kind, timeout=10000)
    assert says in tab.dkim_status.text()


def test_check_dns_offline_says_so(
    qtbot, dialog: SettingsDialog, monkeypatch: pytest.MonkeyPatch
) -> None:
    tab = _tab(dialog)
    _create(qtbot, tab)
    with LocalDnsServer({}) as server:
        resolver = server.resolver()
    resolver.lifetime = 1.0  # the server is gone: nobody answers
    monkeypatch.setattr(dns.resolver, "Resolver", lambda: resolver)
    tab.check_button.click()
    qtbot.waitUntil(lambda: tab.dkim_status.kind == "warning", timeout=10000)
    assert "offline" in tab.dkim_status.text()


def test_the_unsubscribe_link_says_what_it_allows(dialog: SettingsDialog) -> None:
    tab = _tab(dialog)
    field, note = tab.edits["UnsubscribeUrl"], tab.unsubscribe_note
    field.setText("http://shop.example.com/u/{token}")
    assert note.kind == "warning" and "https" in note.text()
    field.setText("https://shop.example.com/u?e={email}")
    assert note.kind == "warning" and "{token}" in note.text()
    field.setText("https://shop.example.com/u/{token}")
    assert note.kind == "note" and "--listen" in note.text()


def test_a_bad_key_file_is_refused_beside_its_field_and_nothing_is_saved(
    qtbot, dialog: SettingsDialog, services: AppServices, tmp_path: Path
) -> None:
    tab = _tab(dialog)
    tab.edits["DkimKeyFile"].setText(str(tmp_path / "missing.pem"))
    tab.edits["DkimDomain"].setText("shop.example.com")
    dialog.save_button.click()
    assert "does not exist" in tab.messages["DkimKeyFile"].text()
    assert dialog.pages.currentWidget() is tab
    assert settings.get(services.ctx, "DkimDomain") == ""
